package io.nebula.resource.cdi;

import io.nebula.resource.Action;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import jakarta.enterprise.context.Dependent;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** An {@code @Action(timeout = ...)} that is no duration fails deployment, naming the action, with the other problems. */
@ExtendWith(TestConfigExtension.class)
@TestConfig({"nebula.resource.orders.kind=test-counter"})
@SuppressWarnings("try") // the container is started only to see it fail
class ActionTimeoutErrorsTest {

    @Dependent
    static class Steps {
        @Action(resources = "orders", timeout = "soon")
        void charge() {
        }

        @Action(timeout = "-1s")
        void refund() {
        }

        @Action(timeout = "PT0.25S")
        void fine() {
        }
    }

    @Test
    void aTimeoutThatIsNoDurationIsADeploymentProblemNamingTheAction() {
        ConfigurationInvalidException failure = deploymentFailure();

        assertThat(failure.problems()).anySatisfy(p -> {
            assertThat(p.key()).isEqualTo("@Action on " + Steps.class.getName() + "#charge");
            assertThat(p.message()).contains("timeout \"soon\" is not a duration").contains("250ms");
        });
        assertThat(failure.problems()).anySatisfy(p -> {
            assertThat(p.key()).isEqualTo("@Action on " + Steps.class.getName() + "#refund");
            assertThat(p.message()).contains("timeout \"-1s\" is not a duration");
        });
        assertThat(failure.problems()).noneSatisfy(p -> assertThat(p.key()).endsWith("#fine"));
    }

    private static ConfigurationInvalidException deploymentFailure() {
        try (WeldContainer ignored = NebulaWeld.container(Steps.class).initialize()) {
            return fail("the deployment should have failed");
        } catch (RuntimeException e) {
            Deque<Throwable> todo = new ArrayDeque<>(List.of(e));
            while (!todo.isEmpty()) {
                Throwable t = todo.pop();
                if (t instanceof ConfigurationInvalidException c) {
                    return c;
                }
                if (t.getCause() != null) {
                    todo.push(t.getCause());
                }
                todo.addAll(List.of(t.getSuppressed()));
            }
            return fail("no ConfigurationInvalidException in " + e);
        }
    }
}
