package io.nebula.resource.core.pipeline;

import io.nebula.resource.HealthStatus;

import io.nebula.resource.core.cluster.ResourceGate;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * While a pool's circuit is open, asks the backend every {@link #INTERVAL} whether it is back (the pool's shallow
 * check: a real connection or command), and half-opens the circuit at the first answer instead of waiting out
 * {@code circuit-breaker.delay}: the acquisitions that follow are the half-open probes that close it. An open
 * circuit refuses every caller before the pool, so without this nobody would ask the backend until the delay
 * ended. One task per pool, only while its circuit is open.
 *
 * <p>With a cluster's gate, while the gate is open the check asks the backend only when this node holds the
 * cluster's probe claim ({@link ResourceGate#claim}): one probe at a time on all nodes together, and its answer closes
 * the gate on every node or keeps the claim for the probe interval. A node whose claim is refused skips that turn.
 */
final class CircuitProber {

    /** How often an open circuit's backend is asked: a return is noticed within this. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final String resource;
    private final CircuitBreaker breaker;
    private final Supplier<HealthStatus> check;
    private final HealthScheduler scheduler;
    private final ResourceGate gate;
    private final AtomicReference<Future<?>> task = new AtomicReference<>();

    CircuitProber(String resource, CircuitBreaker breaker, Supplier<HealthStatus> check, HealthScheduler scheduler) {
        this(resource, breaker, check, scheduler, null);
    }

    /** @param gate the cluster's gate of the resource, or {@code null} without a cluster */
    CircuitProber(String resource, CircuitBreaker breaker, Supplier<HealthStatus> check, HealthScheduler scheduler,
            ResourceGate gate) {
        this.resource = resource;
        this.gate = gate;
        this.breaker = breaker;
        this.check = check;
        this.scheduler = scheduler;
    }

    /** The circuit opened: start asking, unless already asking. */
    void opened() {
        if (task.get() != null) {
            return;
        }
        Future<?> started = scheduler.every(INTERVAL, resource, this::probe);
        if (!task.compareAndSet(null, started)) {
            started.cancel(false); // another opening started one first
        }
    }

    void probe() {
        if (!breaker.isOpen()) {
            stop(); // half-open or closed by now, by the delay or the acquisitions
            return;
        }
        if (gate != null && gate.open() != null) {
            probeClaimed();
            return;
        }
        if (up()) {
            breaker.backendAnswered();
            stop();
        }
    }

    /** The gate is open: this node asks the backend only as the cluster's one probe. */
    private void probeClaimed() {
        if (!gate.claim()) {
            return; // another node probes, or probed less than a probe interval ago
        }
        boolean up;
        try {
            up = up();
        } catch (Throwable e) {
            gate.probeFailed();
            throw e;
        }
        if (up) {
            gate.probeSucceeded(); // closes the gate here (the circuit half-opens: whenClosed) and on every node
            stop();
        } else {
            gate.probeFailed();
        }
    }

    private boolean up() {
        HealthStatus answer;
        try {
            answer = check.get();
        } catch (RuntimeException e) {
            return false; // still down; asked again next time
        }
        return answer.status() != HealthStatus.Status.DOWN;
    }

    void stop() {
        Future<?> f = task.getAndSet(null);
        if (f != null) {
            f.cancel(false);
        }
    }
}
