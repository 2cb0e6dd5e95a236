package io.nebula.resource.core.pipeline;

import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.cluster.ResourceGate;
import io.nebula.resource.spi.CheckDepth;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A pool's scheduled health check ({@code health.interval}) while the cluster's gate of its resource is open: one of
 * the cluster's probes, as the circuit's prober and the engine's recovery probe are. It asks the backend only holding
 * the cluster's probe claim, and its answer closes the gate on every node (UP or DEGRADED) or keeps the claim for the
 * probe interval (DOWN), so across the cluster the backend sees at most one probe per probe interval, whatever the
 * nodes' check schedules. A node without the claim answers what the gate knows, without asking the backend: DOWN,
 * naming the node that saw the backend down and why (the gate's refusal, {@code NEBULA-4606}), and its pool moves
 * {@code FAILED} as a failed check would move it. With the gate closed, or without a gate, the check is as ever.
 */
final class ClaimedCheck {

    private ClaimedCheck() {
    }

    /**
     * @param check the check as ever: asks the backend, observed by the weave (telemetry, quarantine), moves the pool
     * @param known observes an answer the check did not ask the backend for, as a check that found it down would be
     * @return the check's answer, or the gate's when this node did not hold the claim
     */
    static HealthStatus run(ResourceGate gate, ResourcePool<?> pool, CheckDepth depth,
                            Function<CheckDepth, HealthStatus> check, Consumer<HealthStatus> known) {
        ResourceGate.Open open = gate == null ? null : gate.open();
        if (open == null) {
            return check.apply(depth);
        }
        if (!gate.claim()) {
            ResourceGate.Open still = gate.open(); // the gate may have closed meanwhile: then the check is as ever
            if (still == null) {
                return check.apply(depth);
            }
            CircuitOpenException down = gate.knownDown(still);
            pool.backendFailed(down); // readiness says DOWN, and why, as after a failed check
            HealthStatus answer = HealthStatus.down(down);
            known.accept(answer);
            return answer;
        }
        boolean up = false;
        try {
            HealthStatus answer = check.apply(depth);
            up = answer.status() != HealthStatus.Status.DOWN;
            return answer;
        } finally {
            if (up) {
                gate.probeSucceeded(); // closes the gate here and on every node
            } else {
                gate.probeFailed();
            }
        }
    }
}
