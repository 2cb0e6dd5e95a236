package io.nebula.resource.cdi;

import io.nebula.resource.Action;
import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import io.nebula.resource.cdi.testing.TestConnection;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
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
 * One deployment with every kind of configuration mistake: it fails with one
 * {@link ConfigurationInvalidException} that lists them all, each under its full key with what is
 * allowed, and never shows a secret.
 */
@ExtendWith(TestConfigExtension.class)
@TestConfig({
        "nebula.resource.unknown-kind.kind=oracle-db",
        "nebula.resource.no-kind.pool.max-size=5",
        "nebula.resource.bad-number.kind=test-counter",
        "nebula.resource.bad-number.pool.max-size=lots",
        "nebula.resource.bad-number.api-token=tok-S3CR3T-42",
        "nebula.resource.bad-duration.kind=test-counter",
        "nebula.resource.bad-duration.pool.acquire-timeout=soon",
        "nebula.resource.min-max.kind=test-counter",
        "nebula.resource.min-max.pool.min-size=10",
        "nebula.resource.min-max.pool.max-size=2",
        "nebula.resource.bad-strategy.kind=test-counter",
        "nebula.resource.bad-strategy.pool.strategy=random",
        "nebula.resource.bad-scope.kind=test-counter",
        "nebula.resource.bad-scope.scope=session",
        "nebula.resource.cycle-a.kind=test-counter",
        "nebula.resource.cycle-a.depends-on=cycle-b",
        "nebula.resource.cycle-b.kind=test-counter",
        "nebula.resource.cycle-b.depends-on=cycle-c",
        "nebula.resource.cycle-c.kind=test-counter",
        "nebula.resource.cycle-c.depends-on=cycle-a",
        "nebula.resource.lonely.kind=test-counter",
        "nebula.resource.lonely.depends-on=ghost",
        "nebula.resource.provider-keys.kind=test-counter",
        "nebula.resource.provider-keys.port=99999",
        "nebula.resource.provider-keys.password=pw-X9z",
        "nebula.resource.wrong-type.kind=test-shared",
        "nebula.resource.bad-start.kind=test-counter",
        "nebula.resource.bad-start.start=sometimes",
        "nebula.resource.bad-required.kind=test-counter",
        "nebula.resource.bad-required.start=eager",
        "nebula.resource.bad-required.start.required=yes",
        "nebula.resource.lazy-required.kind=test-counter",
        "nebula.resource.lazy-required.start=lazy",
        "nebula.resource.lazy-required.start.required=true",
        "nebula.resource.tenant-required.kind=test-counter",
        "nebula.resource.tenant-required.scope=tenant",
        "nebula.resource.tenant-required.start.required=true",
        "nebula.resource.typo.kind=test-counter",
        "nebula.resource.typo.scpoe=tenant",
        "nebula.resource.orders.db.kind=test-counter",
        "nebula.resource.orders.db.pool.max-size=3",
        // what MicroProfile Config lists for NEBULA_RESOURCE_DB_POOL_MIN_SIZE=2: a valid key, not a problem
        "nebula.resource.db.kind=test-counter",
        "nebula.resource.db.pool.min.size=2",
        "nebula.telemetry.semconv=maybe",
        "nebula.audit.enabled=yes",
        "nebula.config.refresh-interval=often",
        "nebula.history.enabled=often",
        "nebula.resource.clustered.kind=test-counter",
        "nebula.resource.clustered.cluster.max-concurrent-leases=4",
        "nebula.resource.clustered.cluster.batch=0",
        "nebula.cluster.resource=clustered",
        "nebula.cluster.heartbeat-ttl=soon",
        "nebula.cluster.redis-timeout=-5ms"})
@SuppressWarnings("try") // the container is started only to see it fail
class ConfigurationErrorsTest {

    @Dependent
    static class Consumer {
        @Inject
        @NebulaResource("undeclared-db")
        TestConnection undeclared;

        @Inject
        @NebulaResource("wrong-type")
        TestConnection wrongType;

        @Action(resources = "nowhere")
        void work() {
        }
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<ConfigProblem> problems = deploymentProblems();
        Set<String> keys = new HashSet<>();
        problems.forEach(p -> keys.add(p.key()));
        assertThat(keys).contains(
                "nebula.resource.unknown-kind.kind",
                "nebula.resource.no-kind.kind",
                "nebula.resource.bad-number.pool.max-size",
                "nebula.resource.bad-duration.pool.acquire-timeout",
                "nebula.resource.bad-strategy.pool.strategy",
                "nebula.resource.bad-scope.scope",
                "nebula.resource.cycle-a.depends-on",
                "nebula.resource.lonely.depends-on",
                "nebula.resource.provider-keys.port",
                "nebula.resource.provider-keys.password",
                "nebula.resource.undeclared-db.kind",
                "nebula.resource.wrong-type.kind",
                "nebula.resource.nowhere.kind",
                "nebula.resource.bad-start.start",
                "nebula.resource.bad-required.start.required",
                "nebula.resource.lazy-required.start.required",
                "nebula.resource.tenant-required.start.required",
                "nebula.resource.typo.scpoe",
                "nebula.resource.orders.db.kind");
        assertThat(keys).as("a key spelled as an environment variable reads back is the key it stands for")
                .noneMatch(k -> k.startsWith("nebula.resource.db."));
        assertThat(problems).as("each problem once").doesNotHaveDuplicates();
        assertThat(keys).as("the resource a dotted name is not taken for").doesNotContain("nebula.resource.orders.kind");
        assertThat(problems).anySatisfy(p -> assertThat(p.key()).startsWith("nebula.resource.min-max.pool."));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "nebula.resource.unknown-kind.kind | unknown kind 'oracle-db'; known kinds: test-bounded, test-counter, test-datasource, test-flaky, test-lagging, test-remote, test-shared",
            "nebula.resource.no-kind.kind | is required",
            "nebula.resource.bad-number.pool.max-size | must be an integer, was 'lots'",
            "nebula.resource.bad-duration.pool.acquire-timeout | must be a duration",
            "nebula.resource.bad-strategy.pool.strategy | lifo, fifo, lru, weighted-round-robin, adaptive",
            "nebula.resource.bad-scope.scope | must be one of global, tenant, workflow, execution, action, was 'session'",
            "nebula.resource.cycle-a.depends-on | cycle-a → cycle-b → cycle-c → cycle-a",
            "nebula.resource.lonely.depends-on | 'ghost', which is not a declared resource",
            "nebula.resource.provider-keys.port | between 1 and 65535",
            "nebula.resource.provider-keys.password | at least 8 characters",
            "nebula.resource.undeclared-db.kind | field io.nebula.resource.cdi.ConfigurationErrorsTest$Consumer.undeclared",
            "nebula.resource.wrong-type.kind | makes io.nebula.resource.cdi.testing.SharedClient",
            "nebula.resource.nowhere.kind | @Action on io.nebula.resource.cdi.ConfigurationErrorsTest$Consumer#work",
            "nebula.resource.bad-start.start | must be one of lazy, eager",
            "nebula.resource.bad-required.start.required | must be true or false, was 'yes'",
            "nebula.resource.lazy-required.start.required | needs nebula.resource.lazy-required.start=eager",
            "nebula.resource.tenant-required.start.required | cannot be true for a resource of scope 'tenant'",
            "nebula.resource.typo.scpoe | did you mean 'scope'?",
            "nebula.resource.orders.db.kind | a resource's name cannot contain a dot",
            "nebula.telemetry.semconv | must be true or false, was 'maybe'",
            "nebula.audit.enabled | must be true or false, was 'yes'",
            "nebula.config.refresh-interval | must be a duration (500ms, 30s, 10m, PT30S) or 0 for no refresh, was 'often'",
            "nebula.history.enabled | must be true or false, was 'often'",
            "nebula.cluster.resource | must name a resource of kind redis, 'clustered' is of kind 'test-counter'",
            "nebula.resource.clustered.cluster.batch | must be 1 or more, was 0",
            "nebula.cluster.heartbeat-ttl | must be a duration such as 50ms or 3s, was 'soon'",
            "nebula.cluster.redis-timeout | must be a duration such as 50ms or 3s, was '-5ms'"})
    void eachProblemNamesItsKeyAndWhatIsAllowed(String key, String message) {
        assertThat(deploymentProblems()).anySatisfy(p -> {
            assertThat(p.key()).isEqualTo(key);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void minGreaterThanMaxIsReported() {
        assertThat(deploymentProblems()).anySatisfy(p -> {
            assertThat(p.key()).startsWith("nebula.resource.min-max.pool.");
            assertThat(p.message()).contains("10").contains("2");
        });
    }

    @Test
    void noSecretIsEchoed() {
        String report = deploymentFailure().getMessage();
        assertThat(report).contains("nebula.resource.provider-keys.password")
                .doesNotContain("pw-X9z")
                .doesNotContain("tok-S3CR3T-42");
    }

    private List<ConfigProblem> deploymentProblems() {
        return deploymentFailure().problems();
    }

    private ConfigurationInvalidException deploymentFailure() {
        try (WeldContainer ignored = NebulaWeld.container(Consumer.class).initialize()) {
            return fail("the deployment should have failed");
        } catch (RuntimeException e) {
            return find(e);
        }
    }

    /** The container wraps definition errors in its own exception; find ours in the causes and suppressed. */
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
