package io.nebula.resource.sample;

import io.nebula.resource.sample.payments.FakePaymentsResource;
import io.nebula.resource.sample.status.ResourcesEndpoint;
import io.nebula.resource.sample.workflows.WorkflowsEndpoint;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Set;

/**
 * The sample's REST endpoints live under {@code /api}; its page is served from {@code /}. The classes are listed
 * rather than scanned: the WAR also holds the dashboard's JAX-RS application ({@code nebula/api}, from
 * nebula-resource-dashboard), whose resources a scanning application would serve under {@code /api} as well.
 */
@ApplicationPath("/api")
public class SampleApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(ResourcesEndpoint.class, WorkflowsEndpoint.class, FakePaymentsResource.class);
    }
}
