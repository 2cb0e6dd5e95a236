package io.nebula.resource.cdi;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.InstanceState;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceState;
import io.nebula.resource.cdi.health.Quarantine;
import io.nebula.resource.cdi.resilience.ResourceGuard;
import io.nebula.resource.cdi.telemetry.PoolLog;
import io.nebula.resource.cdi.telemetry.PoolTelemetry;
import io.nebula.resource.cdi.telemetry.PoolView;
import io.nebula.resource.cdi.telemetry.Telemetry;
import io.nebula.resource.core.EvictionReason;
import io.nebula.resource.core.PoolListener;

import java.util.concurrent.Future;

/**
 * What is woven around one pool (a resource's shared pool, or one tenant's): its guard (circuit breaker,
 * retry, timeout, bulkhead), its quarantine, its telemetry and its structured log. The layers of
 * {@link AcquisitionChain} read from here. The telemetry is swapped in once the application's backends are
 * known (they are CDI beans, found only after deployment), so a pool started earlier is reported too.
 */
final class PoolWeave {

    private final PoolView view;
    private final ResourceGuard guard;
    private final Quarantine quarantine;
    private final PoolLog log;
    private final java.util.function.BiConsumer<ResourceContext, Throwable> failed;
    private final AcquisitionWindow window = new AcquisitionWindow();
    private volatile PoolTelemetry telemetry = PoolTelemetry.NONE;
    private volatile Future<?> checks;
    private volatile long lastCheck = System.nanoTime();

    /** @param failed told of each failed acquisition, after its retries (the CDI event) */
    PoolWeave(PoolView view, ResourceGuard guard, Quarantine quarantine, PoolLog log,
              java.util.function.BiConsumer<ResourceContext, Throwable> failed) {
        this.view = view;
        this.failed = failed;
        this.guard = guard;
        this.quarantine = quarantine;
        this.log = log;
    }

    PoolView view() {
        return view;
    }

    ResourceGuard guard() {
        return guard;
    }

    Quarantine quarantine() {
        return quarantine;
    }

    PoolLog log() {
        return log;
    }

    /** The last acquisitions, for {@link ResourceStatistics}: recorded whether or not a telemetry backend is there. */
    AcquisitionWindow window() {
        return window;
    }

    PoolTelemetry telemetry() {
        return telemetry;
    }

    /** An acquisition failed, after its retries: its log record and its event. */
    void failed(ResourceContext ctx, long nanos, Throwable error) {
        log.acquisitionFailed(ctx, nanos, error);
        failed.accept(ctx, error);
    }

    /** Reports this pool through {@code backends} from now on. */
    void use(Telemetry backends) {
        PoolTelemetry previous = telemetry;
        telemetry = backends.forPool(view);
        previous.close();
    }

    void scheduled(Future<?> checks) {
        this.checks = checks;
    }

    void checked() {
        lastCheck = System.nanoTime();
    }

    /**
     * Whether scheduled checks are due but have not run for three intervals, and at least
     * {@value #STALL_GRACE_SECONDS} seconds: a check that merely waits for a busy scheduler, or a slow backend's
     * answer, is not a stall.
     */
    boolean checksStalled(java.time.Duration interval) {
        long threshold = Math.max(interval.toNanos() * 3, java.util.concurrent.TimeUnit.SECONDS.toNanos(STALL_GRACE_SECONDS));
        return checks != null && System.nanoTime() - lastCheck > threshold;
    }

    private static final long STALL_GRACE_SECONDS = 10;

    void close() {
        Future<?> f = checks;
        if (f != null) {
            f.cancel(false);
        }
        telemetry.close();
        telemetry = PoolTelemetry.NONE;
    }

    /**
     * Everything the extension hears from this pool, as one listener: its CDI events ({@code events}), its audit
     * trail ({@code audit}, {@code null} when audit is off), its log and whichever telemetry is in use now. One
     * listener rather than three because the pool calls each of its listeners several times per lease: with
     * thousands of tenant pools each listener object a lease has to reach is a likely cache miss, and most of
     * the calls would be no-ops. Where two parts hear the same call, the second runs even if the first throws.
     */
    PoolListener listener(PoolEvents events, AuditGate audit) {
        return new PoolListener() {
            @Override
            public void onStateChange(String pool, ResourceState from, ResourceState to) {
                try {
                    events.onStateChange(pool, from, to);
                } finally {
                    log.onStateChange(pool, from, to);
                }
            }

            @Override
            public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
                if (audit != null) {
                    audit.onAcquire(pool, ctx, waitNanos);
                }
            }

            @Override
            public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
                try {
                    if (audit != null) {
                        audit.onRelease(pool, ctx, heldNanos, invalidated);
                    }
                } finally {
                    if (invalidated) {
                        log.onRelease(pool, ctx, heldNanos, true);
                        PoolListener t = telemetry.listener();
                        if (t != null) {
                            t.onRelease(pool, ctx, heldNanos, true);
                        }
                    }
                }
            }

            @Override
            public void onLeak(String pool, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
                try {
                    events.onLeak(pool, ctx, heldNanos, acquiredAt);
                } finally {
                    log.onLeak(pool, ctx, heldNanos, acquiredAt);
                    PoolListener t = telemetry.listener();
                    if (t != null) {
                        t.onLeak(pool, ctx, heldNanos, acquiredAt);
                    }
                }
            }

            @Override
            public void onLeakReturned(String pool, ResourceContext ctx, long heldNanos) {
                log.onLeakReturned(pool, ctx, heldNanos);
            }

            @Override
            public void onCreate(String pool, long createNanos) {
                PoolListener t = telemetry.listener();
                if (t != null) {
                    t.onCreate(pool, createNanos);
                }
            }

            @Override
            public void onCreationFailure(String pool, Throwable error) {
                log.onCreationFailure(pool, error);
                PoolListener t = telemetry.listener();
                if (t != null) {
                    t.onCreationFailure(pool, error);
                }
            }

            @Override
            public void onAcquireFailure(String pool, ResourceContext ctx, ResourceException error, long waitNanos) {
                // counted, logged, fired and audited once per acquisition, retries included, by the chain
            }

            @Override
            public void onInstanceState(String pool, InstanceState from, InstanceState to) {
            }

            @Override
            public void onEviction(String pool, EvictionReason reason) {
            }
        };
    }

    /** A health check ran: its span, and the quarantine's count. */
    HealthStatus observe(io.nebula.resource.spi.CheckDepth depth, java.util.function.Supplier<HealthStatus> check) {
        PoolTelemetry t = telemetry;
        Object span = t.startHealthCheck();
        HealthStatus status;
        try {
            status = check.get();
        } catch (RuntimeException e) {
            status = HealthStatus.down(e);
        }
        t.endHealthCheck(span, status);
        quarantine.checked(depth, status);
        checked();
        return status;
    }
}
