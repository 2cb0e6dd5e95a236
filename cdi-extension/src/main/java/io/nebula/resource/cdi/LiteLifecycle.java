package io.nebula.resource.cdi;

import io.nebula.resource.cdi.integration.TelemetryBackends;
import io.nebula.resource.core.audit.AuditSink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;

/**
 * {@link ApplicationLifecycle} on a CDI Lite container: when the application has started, the resources are made
 * ({@link LiteRuntime}; an invalid configuration stops the start here), the audit observers and telemetry backends
 * found and the eager resources started; before it stops, every resource drains and closes. Added by
 * {@link NebulaBuildExtension}; no bean-defining annotation, so a container that scans the jar does not add it.
 */
class LiteLifecycle {

    /**
     * Quarkus' own start event: its OpenTelemetry bean is made after the application context is initialized and
     * before this event, so there the backends are looked up only now. Named, not imported: no Quarkus dependency.
     */
    private static final String QUARKUS_STARTED = "io.quarkus.runtime.StartupEvent";
    private static final boolean ON_QUARKUS = TelemetryBackends.present(QUARKUS_STARTED);

    void started(@Observes @Initialized(ApplicationScoped.class) Object event, BeanManager beanManager) {
        ResourceRuntime runtime = LiteRuntime.started(beanManager);
        AuditSink audit = runtime.tenancy().auditSink();
        if (audit != null) {
            audit.decide();
        }
        if (!ON_QUARKUS) {
            useTelemetry(runtime, beanManager);
        }
        runtime.startEager();
        runtime.startRefresh(org.eclipse.microprofile.config.ConfigProvider.getConfig());
    }

    /** Every event, for Quarkus' start event (see {@link #QUARKUS_STARTED}); one class name compared otherwise. */
    void quarkusStarted(@Observes Object event, BeanManager beanManager) {
        if (ON_QUARKUS && event.getClass().getName().equals(QUARKUS_STARTED)) {
            useTelemetry(LiteRuntime.get(), beanManager);
        }
    }

    private static void useTelemetry(ResourceRuntime runtime, BeanManager beanManager) {
        runtime.useTelemetry(TelemetryBackends.resolveLite(beanManager.createInstance(), LiteRuntime.semconv()));
    }

    void stopping(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
        LiteRuntime.close();
    }
}
