package io.nebula.resource.cdi;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The fault tolerance and health keys are checked at deployment with the rest, each problem naming its key. */
@ExtendWith(TestConfigExtension.class)
class ResilienceConfigurationTest {

    @Test
    @TestConfig({
            "nebula.resource.orders.kind=test-counter",
            "nebula.resource.orders.retry.max-retries=-1",
            "nebula.resource.orders.retry.delay=soon",
            "nebula.resource.orders.retry.max-delay=10ms",
            "nebula.resource.orders.circuit-breaker.failure-ratio=1.5",
            "nebula.resource.orders.circuit-breaker.request-volume-threshold=0",
            "nebula.resource.orders.circuit-breaker.success-threshold=0",
            "nebula.resource.orders.circuit-breaker.enabled=maybe",
            "nebula.resource.orders.timeout=forever",
            "nebula.resource.orders.bulkhead.max-concurrent=-2",
            "nebula.resource.orders.bulkhead.qeue=5",
            "nebula.resource.orders.health.depth=medium",
            "nebula.resource.orders.health.quarantine-after=-1",
            "nebula.resource.orders.health.intervall=5s",
            "nebula.resource.jobs.kind=test-counter",
            "nebula.resource.jobs.retry.delay=2s",
            "nebula.resource.jobs.retry.max-duration=1s",
            "nebula.resource.jobs.bulkhead.queue=3"})
    void everyProblemIsReportedAtOnceUnderItsKey() {
        Throwable t = catchThrowable(() -> {
            try (WeldContainer ignored = NebulaWeld.container().initialize()) {
                throw new AssertionError("the deployment should have failed");
            }
        });
        ConfigurationInvalidException e = findCause(t);
        List<String> keys = e.problems().stream().map(ConfigProblem::key).toList();
        assertThat(keys).contains(
                "nebula.resource.orders.retry.max-retries",
                "nebula.resource.orders.retry.delay",
                "nebula.resource.orders.circuit-breaker.failure-ratio",
                "nebula.resource.orders.circuit-breaker.request-volume-threshold",
                "nebula.resource.orders.circuit-breaker.success-threshold",
                "nebula.resource.orders.circuit-breaker.enabled",
                "nebula.resource.orders.timeout",
                "nebula.resource.orders.bulkhead.max-concurrent",
                "nebula.resource.orders.bulkhead.qeue",
                "nebula.resource.orders.health.depth",
                "nebula.resource.orders.health.quarantine-after",
                "nebula.resource.orders.health.intervall",
                "nebula.resource.jobs.retry.max-duration",
                "nebula.resource.jobs.bulkhead.queue");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p.toString())
                .isEqualTo("nebula.resource.orders.circuit-breaker.failure-ratio: must be between 0 and 1, was 1.5"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p.toString()).startsWith(
                "nebula.resource.jobs.retry.max-duration: must be longer than nebula.resource.jobs.retry.delay"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p.toString()).startsWith(
                "nebula.resource.orders.bulkhead.qeue: is not a fault tolerance key; known keys:"));
    }

    private static ConfigurationInvalidException findCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigurationInvalidException e) {
                return e;
            }
            for (Throwable s : c.getSuppressed()) {
                if (s instanceof ConfigurationInvalidException e) {
                    return e;
                }
            }
        }
        throw new AssertionError("no ConfigurationInvalidException in " + t, t);
    }
}
