package io.nebula.resource.core.audit;

import io.nebula.resource.audit.AuditRecord;

import java.util.function.Consumer;

import static java.lang.System.Logger.Level.INFO;

/**
 * Writes audit records to the logger {@value AuditRecord#LOGGER} at INFO, one line each
 * ({@link AuditRecord#toLogLine()}) after the id {@code NEBULA-4100}, so they can be routed to their own
 * file or shipper by logger name. Turning that logger below INFO off silences it; the records are still
 * made for the other sinks.
 */
public final class AuditLog implements Consumer<AuditRecord> {

    private static final System.Logger LOG = System.getLogger(AuditRecord.LOGGER);

    @Override
    public void accept(AuditRecord record) {
        if (LOG.isLoggable(INFO)) {
            LOG.log(INFO, "NEBULA-4100 " + record.toLogLine());
        }
    }
}
