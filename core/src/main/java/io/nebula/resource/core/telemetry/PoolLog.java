package io.nebula.resource.core.telemetry;

import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.PoolListener;

import java.time.Instant;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * One structured log record per lifecycle event, failure and leak of one pool, on the logger
 * {@value #LOGGER} ({@code System.Logger}, so java.util.logging unless the application routes it elsewhere).
 * Each record's message is {@code NEBULA-31nn <what> {0}} and its one parameter a {@link LogFields}: resource,
 * tenant, workflow, execution, action, duration and the pool's figures (size, active, idle, pending, max).
 * The shape is documented in docs/observability.md. Error texts are redacted ({@link Redactor}).
 */
public final class PoolLog implements PoolListener {

    public static final String LOGGER = "io.nebula.resource.core.telemetry";
    private static final System.Logger LOG = System.getLogger(LOGGER);

    private final PoolView view;

    public PoolLog(PoolView view) {
        this.view = view;
    }

    /** An acquisition failed. A refusal while the circuit is open or the resource quarantined is DEBUG: the opening was logged. */
    public void acquisitionFailed(ResourceContext ctx, long nanos, Throwable error) {
        Outcome outcome = Outcome.of(error);
        System.Logger.Level level = switch (outcome) {
            case CIRCUIT_OPEN, QUARANTINED, CLOSED, QUOTA -> DEBUG;
            default -> WARNING;
        };
        if (LOG.isLoggable(level)) {
            log(level, "NEBULA-3101 acquisition failed", context(ctx).with("duration_ms", nanos / 1_000_000.0)
                    .with("outcome", outcome.attribute()).with("error", view.redactor().describe(error)));
        }
    }

    @Override
    public void onStateChange(String pool, ResourceState from, ResourceState to) {
        System.Logger.Level level = to == ResourceState.FAILED || to == ResourceState.DEGRADED ? WARNING : INFO;
        if (LOG.isLoggable(level)) {
            log(level, "NEBULA-3102 lifecycle", context(null).with("from", from).with("to", to));
        }
    }

    @Override
    public void onLeak(String pool, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
        if (LOG.isLoggable(WARNING)) {
            log(WARNING, "NEBULA-3103 lease leaked", context(ctx).with("duration_ms", heldNanos / 1_000_000.0)
                    .with("acquired_at", where(acquiredAt)));
        }
    }

    @Override
    public void onLeakReturned(String pool, ResourceContext ctx, long heldNanos) {
        if (LOG.isLoggable(INFO)) {
            log(INFO, "NEBULA-3104 leaked lease returned", context(ctx).with("duration_ms", heldNanos / 1_000_000.0));
        }
    }

    @Override
    public void onCreationFailure(String pool, Throwable error) {
        if (LOG.isLoggable(WARNING)) {
            log(WARNING, "NEBULA-3105 creation failed", context(null).with("error", view.redactor().describe(error)));
        }
    }

    @Override
    public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
        if (invalidated && LOG.isLoggable(INFO)) {
            log(INFO, "NEBULA-3106 lease returned broken", context(ctx).with("duration_ms", heldNanos / 1_000_000.0));
        }
    }

    @Override
    public void onAcquireFailure(String pool, ResourceContext ctx, ResourceException error, long waitNanos) {
        // logged once per acquisition, retries included, by acquisitionFailed
    }

    /** The circuit breaker changed state. */
    public void circuitChanged(String from, String to, Instant nextProbe, Throwable lastError) {
        System.Logger.Level level = "open".equals(to) ? WARNING : INFO;
        if (LOG.isLoggable(level)) {
            log(level, "NEBULA-3107 circuit " + to, context(null).with("from", from).with("to", to)
                    .with("next_probe", nextProbe).with("error", view.redactor().describe(lastError)));
        }
    }

    /** The resource was quarantined after {@code failures} failed deep checks, or released from quarantine. */
    public void quarantine(boolean entered, int failures, String lastStatus) {
        System.Logger.Level level = entered ? WARNING : INFO;
        if (LOG.isLoggable(level)) {
            log(level, entered ? "NEBULA-3201 quarantined" : "NEBULA-3203 quarantine lifted", context(null)
                    .with("failed_checks", failures).with("health", view.redactor().redact(lastStatus)));
        }
    }

    private LogFields context(ResourceContext ctx) {
        LogFields f = new LogFields().with("resource", view.resource()).with("kind", view.kind());
        String tenant = ctx != null && ctx.tenant() != null ? ctx.tenant() : view.tenant();
        f.with("tenant", tenant);
        if (ctx != null) {
            f.with("workflow", ctx.workflow()).with("execution", ctx.execution()).with("action", ctx.action());
        }
        PoolSnapshot s = view.snapshot().get();
        return f.with("size", s.size()).with("active", s.active()).with("idle", s.idle()).with("pending", s.pending())
                .with("max", s.maxSize());
    }

    private static String where(Throwable acquiredAt) {
        if (acquiredAt == null) {
            return null;
        }
        for (StackTraceElement e : acquiredAt.getStackTrace()) {
            if (!e.getClassName().startsWith("io.nebula.resource.") && !e.getClassName().startsWith("org.jboss.weld.")) {
                return e.toString();
            }
        }
        return null;
    }

    private static void log(System.Logger.Level level, String message, LogFields fields) {
        LOG.log(level, message + " {0}", fields);
    }
}
