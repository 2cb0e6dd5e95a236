package io.nebula.resource.provider.filesystem;

import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.cdi.NebulaExtension;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 16 point 5(e): {@link RootedStorage} is a final class, which a container cannot proxy. Injected with
 * {@code scope=execution} it would need a client proxy; deployment says so naming the key that asks for the proxy and
 * how to do without, instead of Weld's "WELD-001437 ... not proxyable", which names no key.
 */
@ExtendWith(TestConfigExtension.class)
@TestConfig({
        "nebula.resource.invoices.kind=filesystem",
        "nebula.resource.invoices.root=target/final-type-invoices",
        "nebula.resource.invoices.scope=execution"})
@SuppressWarnings("try") // the container is started only to see it fail
class FinalTypeInNormalScopeTest {

    @Dependent
    static class Invoices {
        @Inject
        @NebulaResource("invoices")
        RootedStorage storage;
    }

    @Dependent
    static class LeasedInvoices {
        @Inject
        @NebulaResource("invoices")
        Lease<RootedStorage> storage;
    }

    @Test
    void theScopeKeyIsNamedWithTheWaysOut() {
        ConfigurationInvalidException e = deploymentProblem(Invoices.class);

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.invoices.scope");
            assertThat(p.message())
                    .contains("execution")
                    .contains(Invoices.class.getName() + ".storage")
                    .contains(RootedStorage.class.getName() + " is final")
                    .contains("Lease<RootedStorage>")
                    .contains("scope=global");
        });
    }

    /** A lease is injected as it is, not through a proxy: a final type is fine there. */
    @Test
    void aLeaseOfTheFinalTypeDeploys() {
        try (WeldContainer container = weld(LeasedInvoices.class).initialize()) {
            assertThat(container.select(LeasedInvoices.class).get().storage.get().isReadOnly()).isFalse();
        }
    }

    private static ConfigurationInvalidException deploymentProblem(Class<?> bean) {
        try (WeldContainer ignored = weld(bean).initialize()) {
            return fail("the deployment should have failed");
        } catch (RuntimeException e) {
            // Weld lists the extension's definition errors as suppressed exceptions of its own
            Deque<Throwable> todo = new ArrayDeque<>(List.of(e));
            List<String> seen = new ArrayList<>();
            while (!todo.isEmpty()) {
                Throwable t = todo.pop();
                if (t instanceof ConfigurationInvalidException invalid) {
                    return invalid;
                }
                seen.add(t.getClass().getName() + ": " + t.getMessage());
                todo.addAll(List.of(t.getSuppressed()));
                if (t.getCause() != null) {
                    todo.add(t.getCause());
                }
            }
            return fail("no ConfigurationInvalidException, but " + String.join(" <- ", seen));
        }
    }

    private static Weld weld(Class<?> bean) {
        return new Weld().disableDiscovery().addExtension(new NebulaExtension())
                .addBeanClass(NebulaWeld.Placeholder.class).addBeanClass(bean);
    }
}
