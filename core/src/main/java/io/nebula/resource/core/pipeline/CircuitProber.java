package io.nebula.resource.core.pipeline;

import io.nebula.resource.HealthStatus;

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
 */
final class CircuitProber {

    /** How often an open circuit's backend is asked: a return is noticed within this. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final String resource;
    private final CircuitBreaker breaker;
    private final Supplier<HealthStatus> check;
    private final HealthScheduler scheduler;
    private final AtomicReference<Future<?>> task = new AtomicReference<>();

    CircuitProber(String resource, CircuitBreaker breaker, Supplier<HealthStatus> check, HealthScheduler scheduler) {
        this.resource = resource;
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
        HealthStatus answer;
        try {
            answer = check.get();
        } catch (RuntimeException e) {
            return; // still down; asked again next time
        }
        if (answer.status() != HealthStatus.Status.DOWN) {
            breaker.backendAnswered();
            stop();
        }
    }

    void stop() {
        Future<?> f = task.getAndSet(null);
        if (f != null) {
            f.cancel(false);
        }
    }
}
