package io.nebula.resource.cdi;

import io.nebula.resource.ConfigProblem;
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
 * Every way a {@code fallback} can be wrong, in one deployment: each is a problem naming
 * {@code nebula.resource.<name>.fallback}, reported with the others at once; a fallback that can serve is none.
 */
@ExtendWith(TestConfigExtension.class)
@TestConfig({
        "nebula.resource.cycle-a.kind=test-counter",
        "nebula.resource.cycle-a.fallback=cycle-b",
        "nebula.resource.cycle-b.kind=test-counter",
        "nebula.resource.cycle-b.fallback=cycle-a",
        "nebula.resource.itself.kind=test-counter",
        "nebula.resource.itself.fallback=itself",
        "nebula.resource.unknown.kind=test-counter",
        "nebula.resource.unknown.fallback=ghost",
        "nebula.resource.incompatible.kind=test-counter",
        "nebula.resource.incompatible.fallback=shared-client",
        "nebula.resource.shared-client.kind=test-shared",
        "nebula.resource.other-scope.kind=test-counter",
        "nebula.resource.other-scope.fallback=per-action",
        "nebula.resource.per-action.kind=test-counter",
        "nebula.resource.per-action.scope=action",
        "nebula.resource.chain-a.kind=test-counter",
        "nebula.resource.chain-a.fallback=chain-b",
        "nebula.resource.chain-b.kind=test-counter",
        "nebula.resource.chain-b.fallback=chain-c",
        "nebula.resource.chain-c.kind=test-counter",
        "nebula.resource.fine.kind=test-counter",
        "nebula.resource.fine.fallback=chain-c",
        "nebula.resource.broken.kind=test-counter",
        "nebula.resource.broken.pool.max-size=lots"})
@SuppressWarnings("try") // the container is started only to see it fail
class FallbackConfigurationErrorsTest {

    @Test
    void everyWrongFallbackIsReportedAtOnceUnderItsKey() {
        Set<String> keys = new HashSet<>();
        deploymentProblems().forEach(p -> keys.add(p.key()));

        assertThat(keys).contains(
                "nebula.resource.cycle-a.fallback",
                "nebula.resource.cycle-b.fallback",
                "nebula.resource.itself.fallback",
                "nebula.resource.unknown.fallback",
                "nebula.resource.incompatible.fallback",
                "nebula.resource.other-scope.fallback",
                "nebula.resource.chain-a.fallback",
                "nebula.resource.broken.pool.max-size");
        assertThat(keys).as("a fallback that can serve, and the fallback of a fallback, are no problem")
                .doesNotContain("nebula.resource.fine.fallback", "nebula.resource.chain-b.fallback");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "nebula.resource.cycle-a.fallback | makes a cycle of fallbacks: cycle-a -> cycle-b -> cycle-a",
            "nebula.resource.cycle-b.fallback | makes a cycle of fallbacks: cycle-b -> cycle-a -> cycle-b",
            "nebula.resource.itself.fallback | names this resource itself",
            "nebula.resource.unknown.fallback | names 'ghost', which is not a declared resource",
            "nebula.resource.incompatible.fallback | whose instances are io.nebula.resource.cdi.testing.SharedClient, not io.nebula.resource.cdi.testing.TestConnection",
            "nebula.resource.other-scope.fallback | names 'per-action', of scope 'action', but this resource has scope 'global'",
            "nebula.resource.chain-a.fallback | names 'chain-b', which has a fallback of its own ('chain-c')"})
    void eachProblemSaysWhatIsWrong(String key, String message) {
        assertThat(deploymentProblems()).anySatisfy(p -> {
            assertThat(p.key()).isEqualTo(key);
            assertThat(p.message()).contains(message);
        });
    }

    private List<ConfigProblem> deploymentProblems() {
        try (WeldContainer ignored = NebulaWeld.container().initialize()) {
            return fail("the deployment should have failed");
        } catch (RuntimeException e) {
            return find(e).problems();
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
