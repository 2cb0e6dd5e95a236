package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.spi.BeanManager;

import java.time.Instant;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Fires the resource events as CDI events. An observer that throws is logged and otherwise ignored:
 * the engine noticed something, and an application's observer must not change what it does about it
 * (fail an acquisition that succeeded, stop a housekeeper).
 */
final class EventSink {

    private static final System.Logger LOG = System.getLogger(EventSink.class.getName());
    /** What the bean manager is asked about: any record, for its type (observer resolution looks at nothing else). */
    private static final AuditRecord AUDIT_PROBE = new AuditRecord(Instant.EPOCH, AuditKind.ACQUISITION,
            AuditRecord.Outcome.SUCCESS, "-", ResourceContext.GLOBAL, null, "", null);

    /** Asked only when there is an event or a question: a build compatible extension builds before any container runs. */
    private final Supplier<BeanManager> beanManager;
    /**
     * Taken from the bean manager on the first event and kept: {@code getEvent()} builds a new {@code Event} each
     * time, and an {@code Event} may be used from any thread.
     */
    private volatile Event<Object> event;
    private volatile boolean open = true;

    EventSink(Supplier<BeanManager> beanManager) {
        this.beanManager = beanManager;
    }

    /**
     * Whether the application observes audit records synchronously (they are fired on the thread that acquired or
     * released).
     *
     * @throws IllegalStateException before deployment is validated, the earliest the container answers
     */
    boolean observesAuditRecords() {
        return beanManager.get().resolveObserverMethods(AUDIT_PROBE).stream().anyMatch(o -> !o.isAsync());
    }

    void fire(Object payload) {
        if (!open) {
            return;
        }
        try {
            Event<Object> e = event;
            if (e == null) {
                e = beanManager.get().getEvent();
                event = e;
            }
            e.fire(payload);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "NEBULA-1020 An observer of " + payload.getClass().getSimpleName() + " failed; the event was "
                    + payload, e);
        }
    }

    /** No more events: the application is gone. */
    void close() {
        open = false;
    }
}
