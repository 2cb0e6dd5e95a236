package io.nebula.resource.cdi;

import io.nebula.resource.cdi.integration.TelemetryBackends;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;

/**
 * Finds the telemetry backends (OpenTelemetry, MicroProfile Metrics: beans, so only now) and starts the
 * eager resources when the application has started, and closes every resource when it is
 * about to stop, while the application's beans (observers of the resource events) are still there.
 * A bean rather than extension observers, because only container lifecycle events are portably
 * delivered to extensions.
 */
// No bean-defining annotation: the extensions add this class themselves (only where its library is present);
// a container that scans the jar whatever its beans.xml says (Quarkus) must not find it on its own.
class ApplicationLifecycle {

    void started(@Observes @Initialized(ApplicationScoped.class) Object event, BeanManager beanManager) {
        NebulaExtension extension = beanManager.getExtension(NebulaExtension.class);
        ResourceRuntime runtime = extension.runtime();
        if (runtime != null) {
            runtime.useTelemetry(TelemetryBackends.resolve(beanManager, extension.semconv()));
            runtime.startEager();
            runtime.startRefresh(org.eclipse.microprofile.config.ConfigProvider.getConfig());
        }
    }

    void stopping(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event, BeanManager beanManager) {
        ResourceRuntime runtime = beanManager.getExtension(NebulaExtension.class).runtime();
        if (runtime != null) {
            runtime.close();
        }
    }
}
