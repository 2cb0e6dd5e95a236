package io.nebula.resource.cdi;

import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.cdi.integration.health.HealthApi;
import io.nebula.resource.cdi.integration.health.LiteHealthChecks;
import io.nebula.resource.cdi.scope.LeaseContext;
import io.nebula.resource.cdi.scope.WorkflowScopeContext;
import jakarta.enterprise.context.spi.AlterableContext;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.List;
import java.util.function.Supplier;

/**
 * The resources of an application on a CDI Lite container ({@link NebulaBuildExtension}), made once the application
 * runs: on the first bean, context or lifecycle event that needs them, from the configuration the application runs
 * with, checked again ({@link Deployment}; a problem stops the start with a {@link ConfigurationInvalidException}).
 * Static, because CDI Lite instantiates contexts and bean creators itself; one application per class loader, as
 * Quarkus runs it; closed with the application, so a restart in the same JVM (tests) makes new ones.
 */
final class LiteRuntime {

    private static ResourceRuntime runtime;
    private static WorkflowScopeContext[] scopes;
    private static LeaseContext leases;
    private static boolean semconv;
    /** The container's, from the start event: ArC answers {@code CDI.current()} only once it has started. */
    private static volatile BeanManager beanManager;

    private LiteRuntime() {
    }

    static synchronized ResourceRuntime get() {
        if (runtime == null) {
            Supplier<BeanManager> container = () -> beanManager != null ? beanManager : CDI.current().getBeanManager();
            EventSink events = new EventSink(container);
            // the build checked the injection points and actions against the same declarations
            Deployment deployment = Deployment.read(ConfigProvider.getConfig(), List.of(), List.of(), List.of(), events, container);
            ResourceRuntime rt = deployment.runtime(events);
            semconv = deployment.semconv();
            scopes = WorkflowScopeContext.all(rt.scopes());
            leases = new LeaseContext(name -> rt.resource(name).boundScope(rt.scopes().chain()));
            if (HealthApi.AVAILABLE) {
                LiteHealthChecks.reportFrom(rt::report);
                LiteHealthChecks.clusterFrom(rt::cluster);
            }
            runtime = rt;
        }
        return runtime;
    }

    /** The application has started: its bean manager answers from now on. */
    static ResourceRuntime started(BeanManager container) {
        beanManager = container;
        return get();
    }

    /** Whether OpenTelemetry reports {@code db.client.connection.*}, as the running configuration says. */
    static synchronized boolean semconv() {
        get();
        return semconv;
    }

    /** The context of a workflow scope, for {@link LiteContexts}. */
    static synchronized AlterableContext context(ResourceScope level) {
        get();
        for (WorkflowScopeContext context : scopes) {
            if (context.level() == level) {
                return context;
            }
        }
        throw new IllegalArgumentException("no context for " + level);
    }

    static synchronized AlterableContext leases() {
        get();
        return leases;
    }

    /** The application stops: every scope ends, every resource drains and closes. */
    static synchronized void close() {
        ResourceRuntime rt = runtime;
        runtime = null;
        beanManager = null;
        scopes = null;
        leases = null;
        if (rt != null) {
            rt.close();
        }
    }
}
