package io.nebula.resource.cdi.integration.health;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.declared.HealthReport;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import java.util.function.Function;

/**
 * The readiness or liveness check of one resource, as a MicroProfile Health {@link HealthCheck}. It reports
 * what the engine and the scheduled checks last observed; it does not call the backend itself, so scraping
 * {@code /health} costs the backend nothing.
 *
 * <ul>
 *   <li><b>Readiness</b> is DOWN when the resource is DOWN (its backend failed, or it is closed) or
 *       quarantined; a DEGRADED resource (slow, or a dependency DOWN) is still ready, with
 *       {@code status=DEGRADED} and the reason in the data.</li>
 *   <li><b>Liveness</b> is DOWN only for what restarting the application would cure: the resource was closed
 *       while the application runs, or its scheduled checks stopped running. A backend that is down is not a
 *       reason to restart the application.</li>
 * </ul>
 */
final class ResourceHealthCheck implements HealthCheck {

    private final String resource;
    private final boolean readiness;
    private final Function<String, HealthReport> reports;

    ResourceHealthCheck(String resource, boolean readiness, Function<String, HealthReport> reports) {
        this.resource = resource;
        this.readiness = readiness;
        this.reports = reports;
    }

    /**
     * {@code nebula-resource:<name>:readiness} or {@code nebula-resource:<name>:liveness}: one name per check, so a
     * report that lists both ({@code /health}) tells them apart.
     */
    static String name(String resource, boolean readiness) {
        return "nebula-resource:" + resource + (readiness ? ":readiness" : ":liveness");
    }

    @Override
    public HealthCheckResponse call() {
        HealthReport r = reports.apply(resource);
        HealthCheckResponseBuilder b = HealthCheckResponse.named(name(resource, readiness))
                .withData("resource", resource)
                .withData("kind", r.kind())
                .withData("state", r.state().name());
        if (readiness) {
            boolean closed = r.state() == ResourceState.DRAINING || r.state() == ResourceState.TERMINATED;
            boolean up = r.health().status() != HealthStatus.Status.DOWN && !r.quarantined() && !closed;
            b.status(up)
                    .withData("status", r.health().status().name())
                    .withData("size", r.pool().size())
                    .withData("active", r.pool().active())
                    .withData("idle", r.pool().idle())
                    .withData("waiters", r.pool().pending())
                    .withData("max-size", r.pool().maxSize())
                    .withData("circuit", r.circuit())
                    .withData("quarantined", r.quarantined());
            r.health().message().ifPresent(m -> b.withData("message", m));
            if (r.lastError() != null) {
                b.withData("last-error", r.lastError());
            }
            if (!r.downDependencies().isEmpty()) {
                b.withData("down-dependencies", String.join(",", r.downDependencies()));
            }
            // one entry per endpoint of a resource with pool.endpoints: UP, or DOWN for how long and why
            r.endpoints().forEach((endpoint, status) -> b.withData("endpoint." + endpoint, status));
        } else {
            boolean closed = r.state() == ResourceState.DRAINING || r.state() == ResourceState.TERMINATED;
            b.status(!closed && !r.checksStalled())
                    .withData("checks", r.checksStalled() ? "stalled" : "running");
        }
        return b.build();
    }
}
