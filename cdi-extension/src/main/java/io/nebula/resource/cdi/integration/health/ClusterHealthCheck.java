package io.nebula.resource.cdi.integration.health;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.core.cluster.Cluster;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import java.util.function.Supplier;

/**
 * {@code nebula-resource:cluster}, the readiness of this node of the cluster ({@code nebula.cluster.resource}): UP
 * while the cluster's Redis answers; while it does not, the node applies its local limits only and the check says
 * {@code status=DEGRADED} with the reason in {@code message}. DEGRADED is still ready, as a resource's own check
 * reports it: the node serves, under its local limits. Reads what the node last saw; never calls Redis itself.
 */
final class ClusterHealthCheck implements HealthCheck {

    static final String NAME = "nebula-resource:cluster";

    private final Supplier<Cluster> cluster;

    ClusterHealthCheck(Supplier<Cluster> cluster) {
        this.cluster = cluster;
    }

    @Override
    public HealthCheckResponse call() {
        Cluster c = cluster.get();
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME);
        if (c == null) { // the application stopped
            return b.down().withData("status", HealthStatus.Status.DOWN.name()).build();
        }
        HealthStatus health = c.health();
        b.status(health.status() != HealthStatus.Status.DOWN)
                .withData("status", health.status().name())
                .withData("node", c.node().nodeId())
                .withData("admitted-alone", c.node().admittedAlone())
                .withData("round-trips", c.node().roundTrips());
        health.message().ifPresent(m -> b.withData("message", m));
        return b.build();
    }
}
