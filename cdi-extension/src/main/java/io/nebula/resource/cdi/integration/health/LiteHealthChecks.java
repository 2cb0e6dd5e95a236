package io.nebula.resource.cdi.integration.health;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.core.declared.HealthReport;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.util.Collection;
import java.util.function.Function;

/**
 * {@link HealthCheckBeans} for a build compatible extension: the same readiness and liveness check per resource, as
 * synthetic beans made by {@link Check}, which asks the running application's reports. Loaded only when the MP Health
 * API is there ({@link HealthApi#AVAILABLE}).
 */
public final class LiteHealthChecks {

    private static final String RESOURCE = "resource";
    private static final String READINESS = "readiness";
    private static volatile Function<String, HealthReport> reports;
    private static volatile java.util.function.Supplier<io.nebula.resource.core.cluster.Cluster> cluster = () -> null;

    private LiteHealthChecks() {
    }

    public static void register(SyntheticComponents components, Collection<String> resources) {
        for (String resource : resources) {
            for (boolean readiness : new boolean[] {true, false}) {
                components.addBean(HealthCheck.class).type(HealthCheck.class)
                        .qualifier(readiness ? Readiness.Literal.INSTANCE : Liveness.Literal.INSTANCE)
                        .qualifier(NebulaResource.Literal.of(resource)) // one bean per resource and kind, not ambiguous
                        .scope(Dependent.class)
                        .withParam(RESOURCE, resource).withParam(READINESS, readiness)
                        .createWith(Check.class);
            }
        }
    }

    /** {@code nebula-resource:cluster}, when the application is a node of a cluster ({@code nebula.cluster.resource}). */
    public static void registerCluster(SyntheticComponents components) {
        components.addBean(HealthCheck.class).type(HealthCheck.class)
                .qualifier(Readiness.Literal.INSTANCE)
                .qualifier(NebulaResource.Literal.of("nebula-cluster")) // not ambiguous with the resources' checks
                .scope(Dependent.class)
                .createWith(ClusterCheck.class);
    }

    /** Where the cluster's check reads the node: the running application's, set when it starts. */
    public static void clusterFrom(java.util.function.Supplier<io.nebula.resource.core.cluster.Cluster> source) {
        cluster = source;
    }

    public static final class ClusterCheck implements SyntheticBeanCreator<HealthCheck> {

        @Override
        public HealthCheck create(jakarta.enterprise.inject.Instance<Object> lookup, Parameters params) {
            return new ClusterHealthCheck(() -> cluster.get());
        }
    }

    /** Where the checks read each resource's report: the running application's, set when it starts. */
    public static void reportFrom(Function<String, HealthReport> source) {
        reports = source;
    }

    public static final class Check implements SyntheticBeanCreator<HealthCheck> {

        @Override
        public HealthCheck create(jakarta.enterprise.inject.Instance<Object> lookup, Parameters params) {
            return new ResourceHealthCheck(params.get(RESOURCE, String.class), params.get(READINESS, Boolean.class),
                    name -> reports.apply(name));
        }
    }
}
