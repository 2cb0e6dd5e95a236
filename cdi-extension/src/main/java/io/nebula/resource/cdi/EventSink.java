package io.nebula.resource.cdi;

import jakarta.enterprise.inject.spi.BeanManager;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Fires the resource events as CDI events. An observer that throws is logged and otherwise ignored:
 * the engine noticed something, and an application's observer must not change what it does about it
 * (fail an acquisition that succeeded, stop a housekeeper).
 */
final class EventSink {

    private static final System.Logger LOG = System.getLogger(EventSink.class.getName());

    private final BeanManager beanManager;
    private volatile boolean open = true;

    EventSink(BeanManager beanManager) {
        this.beanManager = beanManager;
    }

    void fire(Object event) {
        if (!open) {
            return;
        }
        try {
            beanManager.getEvent().fire(event);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "NEBULA-1020 An observer of " + event.getClass().getSimpleName() + " failed; the event was "
                    + event, e);
        }
    }

    /** No more events: the application is gone. */
    void close() {
        open = false;
    }
}
