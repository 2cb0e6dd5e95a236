package io.nebula.resource.cdi.integration.metrics;

import io.nebula.resource.core.telemetry.Telemetry;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Finds the application's MicroProfile Metrics registry. A bean the extension adds when the MP Metrics API is
 * on the class path: on Open Liberty {@code CDI.current().select(MetricRegistry.class)} from library code finds
 * nothing, while an injection point of an application bean does. An {@code Instance}, so the application still
 * deploys when the API is there but no implementation is.
 */
// No bean-defining annotation: the extensions add this class themselves (only where its library is present);
// a container that scans the jar whatever its beans.xml says (Quarkus) must not find it on its own.
public class MetricRegistryHolder {

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    Instance<MetricRegistry> registry;

    public Telemetry telemetry() {
        return registry.isResolvable() ? new MicroProfileMetricsWeave(registry.get()) : Telemetry.NONE;
    }
}
