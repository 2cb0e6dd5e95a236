package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.cluster.ResourceGate;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The cluster's known-down gate ({@link ResourceGate}, docs/cluster.md) just outside the circuit breaker: while any
 * node has seen the backend down, an acquisition fails at once with a {@code CircuitOpenException} naming that node,
 * as an open circuit's would (so the fallback, metering and readiness treat it alike), except the cluster's one probe,
 * whose success closes the gate on every node. While this node's own circuit refuses, the acquisition goes to it
 * unchanged: the local refusal, no claim asked for. Closed, the gate costs one volatile read. In the pipeline only
 * when the pool is given a gate (a cluster is configured).
 */
final class ClusterGateStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final ResourceGate gate;
    private final BooleanSupplier locallyOpen;
    private final Duration poolTimeout;

    /** @param locallyOpen whether this node's own circuit refuses every acquisition now */
    ClusterGateStage(Acquisition<T> next, ResourceGate gate, BooleanSupplier locallyOpen, Duration poolTimeout) {
        this.next = next;
        this.gate = gate;
        this.locallyOpen = locallyOpen;
        this.poolTimeout = poolTimeout;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "cluster gate";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        ResourceGate.Open open = gate.open();
        if (open == null || locallyOpen.getAsBoolean()) {
            return next.acquire(timeout, ctx);
        }
        if (!gate.claim()) {
            throw gate.refusal(open);
        }
        T acquired;
        try {
            // a probe runs no longer than its claim, so a second probe never starts while it still runs
            Duration budget = timeout != null ? timeout : poolTimeout;
            acquired = next.acquire(budget.compareTo(gate.claimTtl()) > 0 ? gate.claimTtl() : budget, ctx);
        } catch (Throwable e) {
            gate.probeFailed();
            throw Stages.rethrow(e);
        }
        gate.probeSucceeded();
        return acquired;
    }
}
