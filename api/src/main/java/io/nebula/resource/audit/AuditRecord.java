package io.nebula.resource.audit;

import io.nebula.resource.ResourceContext;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One audited use of a resource: who (tenant, workflow, execution, action and principal when known), what
 * resource, when, what happened and how it ended. Never holds a secret: {@link #detail()} names limits, keys,
 * error types and sources, never a value, a URL or an error message.
 *
 * <p>In a CDI application every record is fired as a CDI event when the application observes records, and
 * written to the logger {@value #LOGGER} as one line of {@code key=value} pairs ({@link #toLogLine()}): at DEBUG
 * for a lease granted or given back, at INFO for the rest. So it can be shipped wherever the application's logs
 * or events go.
 *
 * @param at        when it happened
 * @param kind      what happened
 * @param outcome   how it ended
 * @param resource  the resource name
 * @param context   who: the tenant, workflow, execution and action in effect (each may be null)
 * @param principal the authenticated caller's name, or null when there is none
 * @param detail    what else an auditor needs: the limit hit, the error type, the credential keys; may be empty
 * @param elapsed   how long the caller waited (acquisition) or held the lease (release); null when not measured
 */
public record AuditRecord(Instant at, AuditKind kind, Outcome outcome, String resource, ResourceContext context,
                          String principal, String detail, Duration elapsed) {

    /** The logger every record is written to. */
    public static final String LOGGER = "io.nebula.resource.audit";

    /** How the audited event ended. */
    public enum Outcome {
        SUCCESS, FAILURE, DENIED
    }

    public AuditRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(resource, "resource");
        context = context == null ? ResourceContext.GLOBAL : context;
        detail = detail == null ? "" : detail;
    }

    public String tenant() {
        return context.tenant();
    }

    /**
     * The record as one log line: {@code kind=ACQUISITION outcome=SUCCESS resource=orders-db tenant=acme
     * workflow=billing execution=run-42 action=charge principal=alice elapsed=PT0.002S detail="..."
     * at=2026-01-01T10:00:00Z}; absent fields are left out.
     */
    public String toLogLine() {
        StringBuilder b = new StringBuilder(160);
        b.append("kind=").append(kind).append(" outcome=").append(outcome);
        field(b, "resource", resource);
        field(b, "tenant", context.tenant());
        field(b, "workflow", context.workflow());
        field(b, "execution", context.execution());
        field(b, "action", context.action());
        field(b, "principal", principal);
        if (elapsed != null) {
            b.append(" elapsed=").append(elapsed);
        }
        if (!detail.isEmpty()) {
            b.append(" detail=\"").append(detail.replace("\"", "'")).append('"');
        }
        return b.append(" at=").append(at).toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append(' ').append(name).append('=').append(value.indexOf(' ') >= 0 ? '"' + value + '"' : value);
        }
    }

    @Override
    public String toString() {
        return "AuditRecord[" + toLogLine() + "]";
    }
}
