package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord.Outcome;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.audit.AuditLog;
import jakarta.enterprise.inject.spi.BeanManager;

import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;

/**
 * Where an application's audit records go: the logger {@value AuditRecord#LOGGER}, and CDI events when the
 * application observes {@link AuditRecord}. Leases are granted and given back far more often than anything else
 * happens to a resource, so their records ({@link AuditLog#perLease}) are logged at DEBUG and the rest (refusals, failed
 * acquisitions, credential use and rotation) at INFO: an operator reading the log at INFO sees what needs a
 * look, not a line per lease.
 *
 * <p>A record costs its making (a clock read, the caller's principal, the record) and firing it costs the
 * container's observer resolution and dispatch: most of a pooled acquisition when nobody listens. So
 * {@link #wantsLeases} or {@link #wantsNotable} is asked before a record is made ({@link AuditGate}), and one is
 * made only when its log level is on or the application observes records. Whether it does is asked of the bean
 * manager once, when deployment is validated ({@link #decide}): observers cannot change afterwards.
 */
final class AuditSink implements Consumer<AuditRecord>, AuditGate.Demand {

    private static final System.Logger LOG = System.getLogger(AuditRecord.LOGGER);

    /** What the bean manager is asked about: any record, for its type (observer resolution looks at nothing else). */
    private static final AuditRecord PROBE = new AuditRecord(Instant.EPOCH, AuditKind.ACQUISITION, Outcome.SUCCESS,
            "-", ResourceContext.GLOBAL, null, "", null);

    private final EventSink events;
    /** Whether the application observes records; {@code null} until the bean manager could say. */
    private volatile Boolean observed;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder fired = new LongAdder();

    AuditSink(EventSink events) {
        this.events = events;
    }

    @Override
    public boolean wantsLeases() {
        return observed() || LOG.isLoggable(DEBUG);
    }

    @Override
    public boolean wantsNotable() {
        return observed() || LOG.isLoggable(INFO);
    }

    @Override
    public void accept(AuditRecord record) {
        delivered.increment();
        System.Logger.Level level = AuditLog.levelOf(record.kind(), record.outcome());
        if (LOG.isLoggable(level)) {
            LOG.log(level, "NEBULA-4100 " + record.toLogLine());
        }
        if (observed()) {
            fired.increment();
            events.fire(record);
        }
    }

    /**
     * Asks the bean manager, once, whether the application observes audit records (synchronously: they are
     * fired on the thread that acquired or released). Called when deployment is validated, the earliest the
     * container answers.
     */
    void decide() {
        BeanManager beanManager = events.beanManager();
        observed = beanManager.resolveObserverMethods(PROBE).stream().anyMatch(o -> !o.isAsync());
    }

    private boolean observed() {
        Boolean o = observed;
        if (o == null) {
            try {
                decide();
                o = observed;
            } catch (IllegalStateException e) {
                return true; // deployment is not validated yet: fire, as an observer may be there
            }
        }
        return o;
    }

    /** How many records reached this sink: each was made because its log level was on or an observer was there. */
    long delivered() {
        return delivered.sum();
    }

    /** How many records were fired as CDI events. */
    long fired() {
        return fired.sum();
    }
}
