package io.nebula.resource.core.audit;

import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.audit.AuditRecord.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTest {

    @Test
    void leasesAreDebugLinesAndEverythingElseInfo() {
        Logger jul = Logger.getLogger(AuditRecord.LOGGER);
        List<LogRecord> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = jul.getLevel();
        jul.addHandler(capture);
        jul.setLevel(Level.ALL);
        try {
            AuditLog log = new AuditLog();
            log.accept(record(AuditKind.ACQUISITION, Outcome.SUCCESS));
            log.accept(record(AuditKind.RELEASE, Outcome.SUCCESS));
            log.accept(record(AuditKind.ACQUISITION, Outcome.FAILURE));
            log.accept(record(AuditKind.QUOTA_DENIAL, Outcome.DENIED));
        } finally {
            jul.removeHandler(capture);
            jul.setLevel(before);
        }
        assertThat(lines).extracting(LogRecord::getLevel)
                .containsExactly(Level.FINE, Level.FINE, Level.INFO, Level.INFO);
        assertThat(lines.get(3).getMessage()).startsWith("NEBULA-4100 kind=QUOTA_DENIAL outcome=DENIED resource=orders-db");
    }

    private static AuditRecord record(AuditKind kind, Outcome outcome) {
        return new AuditRecord(Instant.EPOCH, kind, outcome, "orders-db", null, null, null, null);
    }
}
