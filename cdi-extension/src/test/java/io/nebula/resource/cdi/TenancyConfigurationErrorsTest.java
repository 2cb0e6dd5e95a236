package io.nebula.resource.cdi;

import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Tenancy and credential keys are checked at deployment, every problem at once under its own key: a tenant's
 * override under the override's key. A template's {tenant} is no problem to its provider.
 */
@ExtendWith(TestConfigExtension.class)
@TestConfig({
        "nebula.resource.ledger.kind=test-counter",
        "nebula.resource.ledger.scope=tenant",
        "nebula.resource.ledger.port=5432",
        "nebula.resource.ledger.tenant.max-pools=-1",
        "nebula.resource.ledger.tenant.idle-timeout=soon",
        "nebula.resource.ledger.tenant.quota.max-concurrent-leases=many",
        "nebula.resource.ledger.tenant.max-tenants=5",
        "nebula.tenant.acme.resource.ledger.tenant.max-pools=3",
        "nebula.tenant.acme.resource.ledger.pool.max-size=lots",
        "nebula.tenant.acme.resource.ledger.port=99999",
        "nebula.tenant.acme.resource.ledger.kind=test-shared",
        "nebula.tenant.acme.resource.ghost.pool.max-size=2",
        "nebula.tenant.acme.resource.orders.pool.max-size=2",
        "nebula.tenant.bad$id.resource.ledger.pool.max-size=2",
        "nebula.tenant.acme.pool.max-size=2",
        "nebula.resource.orders.kind=test-counter",
        "nebula.resource.orders.tenant.max-pools=3",
        "nebula.resource.orders.credentials.source=vault",
        "nebula.resource.files.kind=test-counter",
        "nebula.resource.files.credentials.source=directory",
        "nebula.resource.files.credentials.file.password=../../etc/shadow",
        "nebula.resource.templated.kind=test-counter",
        "nebula.resource.templated.scope=tenant",
        "nebula.resource.templated.port={tenant}",
        "nebula.resource.expression.kind=test-counter",
        "nebula.resource.expression.scope=tenant",
        "nebula.resource.expression.url=counter://host/${tenant}"})
@SuppressWarnings("try") // the container is started only to see it fail
class TenancyConfigurationErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "nebula.resource.ledger.tenant.max-pools | must be 0 (no limit) or more, was -1",
            "nebula.resource.ledger.tenant.idle-timeout | must be a duration",
            "nebula.resource.ledger.tenant.quota.max-concurrent-leases | must be an integer, was 'many'",
            "nebula.resource.ledger.tenant.max-tenants | is not a tenant setting",
            "nebula.tenant.acme.resource.ledger.tenant.max-pools | cannot be set for one tenant",
            "nebula.tenant.acme.resource.ledger.kind | cannot be set for one tenant",
            "nebula.tenant.acme.resource.ledger.pool.max-size | must be an integer, was 'lots'",
            "nebula.tenant.acme.resource.ledger.port | between 1 and 65535",
            "nebula.tenant.acme.resource.ghost.pool.max-size | 'ghost', which is not declared",
            "nebula.tenant.acme.resource.orders.pool.max-size | only a resource of scope tenant has tenants",
            "nebula.tenant.bad$id.resource.ledger.pool.max-size | not a valid tenant id",
            "nebula.tenant.acme.pool.max-size | is not a tenant override",
            "nebula.resource.orders.tenant.max-pools | applies only to a resource of scope tenant",
            "nebula.resource.orders.credentials.source | known sources: config, directory, settings; was 'vault'",
            "nebula.resource.files.credentials.directory | is required with credentials.source=directory",
            "nebula.resource.files.credentials.file.password | must be a file name",
            "nebula.resource.expression.url | for the tenant placeholder write {tenant}"})
    void eachProblemNamesItsKey(String key, String message) {
        assertThat(deploymentFailure().problems()).anySatisfy(p -> {
            assertThat(p.key()).isEqualTo(key);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void theTemplateIsCheckedWithATenantInPlaceOfThePlaceholderAndTheResourcesOwnValueIsNotBlamedOnTheTenant() {
        Set<String> keys = new HashSet<>();
        deploymentFailure().problems().forEach(p -> keys.add(p.key()));
        assertThat(keys).doesNotContain("nebula.resource.ledger.port", "nebula.resource.ledger.pool.max-size");
        // port={tenant} becomes port=tenant for the check, which the provider rejects as a port: it did see the template
        assertThat(deploymentFailure().problems()).anySatisfy(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.templated.port");
            assertThat(p.message()).contains("was 'tenant'");
        });
    }

    private ConfigurationInvalidException deploymentFailure() {
        try (WeldContainer ignored = NebulaWeld.container().initialize()) {
            return fail("the deployment should have failed");
        } catch (RuntimeException e) {
            return find(e);
        }
    }

    private static ConfigurationInvalidException find(Throwable thrown) {
        Deque<Throwable> todo = new ArrayDeque<>(List.of(thrown));
        Set<Throwable> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof ConfigurationInvalidException c) {
                return c;
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            todo.addAll(List.of(t.getSuppressed()));
        }
        throw new AssertionError("no ConfigurationInvalidException in", thrown);
    }

}
