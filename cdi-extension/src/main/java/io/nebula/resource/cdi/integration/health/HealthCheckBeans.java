package io.nebula.resource.cdi.integration.health;

import io.nebula.resource.core.declared.HealthReport;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.util.Collection;
import java.util.function.Function;

/**
 * Registers one {@code @Readiness} and one {@code @Liveness} {@link HealthCheck} per declared resource as
 * synthetic beans, so whichever MicroProfile Health implementation the application has (SmallRye Health, Open
 * Liberty's {@code mpHealth}) reports them. Loaded only when the MP Health API is on the class path
 * ({@link HealthApi#AVAILABLE}); the extension deploys without it.
 */
public final class HealthCheckBeans {

    private HealthCheckBeans() {
    }

    /** {@code nebula-resource:cluster}, a readiness check of this node of the cluster ({@code nebula.cluster.resource}). */
    public static void registerCluster(AfterBeanDiscovery abd, java.util.function.Supplier<io.nebula.resource.core.cluster.Cluster> cluster) {
        abd.addBean().id(ClusterHealthCheck.NAME)
                .types(HealthCheck.class, Object.class)
                .qualifiers(Readiness.Literal.INSTANCE, Any.Literal.INSTANCE)
                .scope(Dependent.class)
                .createWith(cc -> new ClusterHealthCheck(cluster));
    }

    public static void register(AfterBeanDiscovery abd, Collection<String> resources, Function<String, HealthReport> reports) {
        for (String resource : resources) {
            abd.addBean().id(ResourceHealthCheck.name(resource, true))
                    .types(HealthCheck.class, Object.class)
                    .qualifiers(Readiness.Literal.INSTANCE, Any.Literal.INSTANCE)
                    .scope(Dependent.class)
                    .createWith(cc -> new ResourceHealthCheck(resource, true, reports));
            abd.addBean().id(ResourceHealthCheck.name(resource, false))
                    .types(HealthCheck.class, Object.class)
                    .qualifiers(Liveness.Literal.INSTANCE, Any.Literal.INSTANCE)
                    .scope(Dependent.class)
                    .createWith(cc -> new ResourceHealthCheck(resource, false, reports));
        }
    }
}
