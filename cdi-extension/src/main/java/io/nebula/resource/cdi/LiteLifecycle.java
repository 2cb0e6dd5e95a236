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

    void started(@Observes @Initialized(ApplicationScoped.class) Object event, BeanManager beanManager) {
        ResourceRuntime runtime = LiteRuntime.started(beanManager);
        AuditSink audit = runtime.tenancy().auditSink();
        if (audit != null) {
            audit.decide();
        }
        runtime.useTelemetry(TelemetryBackends.resolve(beanManager, LiteRuntime.semconv()));
        runtime.startEager();
    }

    void stopping(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
        LiteRuntime.close();
    }
}
