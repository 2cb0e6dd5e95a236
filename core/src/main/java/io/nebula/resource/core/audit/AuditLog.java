package io.nebula.resource.core.audit;

import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.audit.AuditRecord.Outcome;

import java.util.function.Consumer;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;

/**
 * Writes audit records to the logger {@value AuditRecord#LOGGER}, one line each
 * ({@link AuditRecord#toLogLine()}) after the id {@code NEBULA-4100}, so they can be routed to their own
 * file or shipper by logger name: a lease granted or given back at DEBUG (one line per lease is not what an
 * operator wants), everything else (refusals, failures, quotas, credentials) at INFO. The CDI extension
 * logs with the same levels.
 */
public final class AuditLog implements Consumer<AuditRecord> {

    private static final System.Logger LOG = System.getLogger(AuditRecord.LOGGER);

    /** A lease granted or given back: the records an operator does not want one line each of. */
    public static boolean perLease(AuditKind kind, Outcome outcome) {
        return kind == AuditKind.RELEASE || (kind == AuditKind.ACQUISITION && outcome == Outcome.SUCCESS);
    }

    /** The level a record of this kind and outcome is logged at. */
    public static System.Logger.Level levelOf(AuditKind kind, Outcome outcome) {
        return perLease(kind, outcome) ? DEBUG : INFO;
    }

    @Override
    public void accept(AuditRecord record) {
        System.Logger.Level level = levelOf(record.kind(), record.outcome());
        if (LOG.isLoggable(level)) {
            LOG.log(level, "NEBULA-4100 " + record.toLogLine());
        }
    }
}
