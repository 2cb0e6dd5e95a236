package io.nebula.resource.core.audit;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.audit.AuditRecord.Outcome;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.tenant.TenantPoolsListener;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.WARNING;

/**
 * The audit trail of one resource: turns what its pools report (acquisitions, failures, releases) into
 * {@link AuditRecord}s, and takes the records that tenant pools (quota and isolation denials) and credential
 * handling (use, rotation) make directly. As a {@link PoolListener} it is added to every pool of the resource,
 * the shared one and each tenant's (the tenant travels in the {@link ResourceContext}); as a
 * {@link TenantPoolsListener} it hears the refusals made before a request reaches a pool.
 *
 * <p>A record is handed to the sink on the thread where the event happened. A sink that throws is logged
 * and ignored: auditing must never change whether an acquisition succeeds.
 */
public final class AuditTrail implements PoolListener, TenantPoolsListener {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.core.audit");

    /** Records nothing: for pools built outside an auditing container. */
    public static final AuditTrail NONE = new AuditTrail("-", r -> { }, () -> null, Clock.systemUTC());

    private final String resource;
    private final Consumer<AuditRecord> sink;
    private final Supplier<String> principal;
    private final Clock clock;

    /**
     * @param resource  the resource every record names
     * @param sink      where records go (CDI events and the audit log in a CDI application)
     * @param principal the authenticated caller's name on the current thread, or null; must not throw
     * @param clock     stamps the records
     */
    public AuditTrail(String resource, Consumer<AuditRecord> sink, Supplier<String> principal, Clock clock) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.principal = Objects.requireNonNull(principal, "principal");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String resource() {
        return resource;
    }

    /** Records one event now. {@code detail} must not hold a secret: name limits, keys and types, never values. */
    public void record(AuditKind kind, Outcome outcome, ResourceContext ctx, String detail, Duration elapsed) {
        if (this == NONE) {
            return;
        }
        AuditRecord record;
        try {
            record = new AuditRecord(clock.instant(), kind, outcome, resource, ctx, principalName(), detail, elapsed);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "NEBULA-4201 Could not make an audit record of " + kind + " on resource '" + resource + "'", e);
            return;
        }
        try {
            sink.accept(record);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "NEBULA-4202 An audit sink of resource '" + resource + "' failed on " + kind
                    + "; the record was " + record.toLogLine(), e);
        }
    }

    /**
     * Records an operator's change ({@link AuditKind#ADMIN}) as made by {@code principal}, whoever runs this thread
     * (the configuration refresh runs on its own).
     */
    public void administered(String tenant, String principal, String detail) {
        if (this == NONE) {
            return;
        }
        ResourceContext ctx = tenant == null ? ResourceContext.GLOBAL : new ResourceContext(tenant, null, null, null);
        try {
            sink.accept(new AuditRecord(clock.instant(), AuditKind.ADMIN, Outcome.SUCCESS, resource, ctx, principal,
                    detail, null));
        } catch (RuntimeException e) {
            LOG.log(WARNING, "NEBULA-4202 An audit sink of resource '" + resource + "' failed on " + AuditKind.ADMIN, e);
        }
    }

    /** Records a refusal: what the exception says decides whether it is a quota, isolation or circuit denial. */
    public void denied(ResourceContext ctx, ResourceException error) {
        AuditKind kind = kindOf(error);
        record(kind, kind.isDenial() ? Outcome.DENIED : Outcome.FAILURE, ctx, describe(error), null);
    }

    @Override
    public void onDenied(ResourceContext ctx, ResourceException error) {
        denied(ctx, error);
    }

    private String principalName() {
        try {
            return principal.get();
        } catch (RuntimeException e) {
            return null; // no security context on this thread
        }
    }

    // --- what the pools report //

    @Override
    public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
        record(AuditKind.ACQUISITION, Outcome.SUCCESS, ctx, "", Duration.ofNanos(waitNanos));
    }

    @Override
    public void onAcquireFailure(String pool, ResourceContext ctx, ResourceException error, long waitNanos) {
        AuditKind kind = kindOf(error);
        record(kind, kind == AuditKind.ACQUISITION ? Outcome.FAILURE : Outcome.DENIED, ctx, describe(error),
                Duration.ofNanos(waitNanos));
    }

    @Override
    public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
        record(AuditKind.RELEASE, Outcome.SUCCESS, ctx, invalidated ? "invalidated" : "", Duration.ofNanos(heldNanos));
    }

    /** The resource was down and its fallback {@code fallback} served the acquisition instead. */
    public void fellBack(ResourceContext ctx, String fallback, ResourceException error) {
        record(AuditKind.FALLBACK, Outcome.SUCCESS, ctx, "fallback=" + fallback + " after " + describe(error), null);
    }

    static AuditKind kindOf(ResourceException error) {
        if (error instanceof QuotaExceededException) {
            return AuditKind.QUOTA_DENIAL;
        }
        if (error instanceof TenantRequiredException) {
            return AuditKind.ISOLATION_DENIAL;
        }
        if (error instanceof CircuitOpenException) {
            return AuditKind.CIRCUIT_DENIAL;
        }
        return AuditKind.ACQUISITION;
    }

    /**
     * What an auditor needs from an error without what it must not see: the type, the reason, the limit;
     * never the message, which may quote a backend's words.
     */
    static String describe(ResourceException error) {
        if (error instanceof QuotaExceededException q) {
            return q.limit() + "=" + q.value();
        }
        if (error instanceof AcquisitionTimeoutException t) {
            return t.getClass().getSimpleName() + " reason=" + t.reason()
                    + (t.getCause() == null ? "" : " cause=" + t.getCause().getClass().getName());
        }
        if (error instanceof CircuitOpenException c) {
            return "circuit open" + (c.nextProbe() == null ? "" : ", next probe at " + c.nextProbe());
        }
        if (error instanceof TenantRequiredException) {
            return "no valid tenant in effect";
        }
        return error.getClass().getSimpleName()
                + (error.getCause() == null ? "" : " cause=" + error.getCause().getClass().getName());
    }
}
