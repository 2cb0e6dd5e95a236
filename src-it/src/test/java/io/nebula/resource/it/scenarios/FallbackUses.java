package io.nebula.resource.it.scenarios;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.it.support.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The resources of {@link ScopeFallbackIT}, used where their configured scope may not be active. */
@ApplicationScoped
public class FallbackUses {

    @Inject
    @NebulaResource("step")
    Channel step;

    @Inject
    @NebulaResource("run")
    Channel run;

    @Inject
    @NebulaResource("per-tenant")
    Channel perTenant;

    public int step() {
        return step.id();
    }

    public int run() {
        return run.id();
    }

    public int perTenant() {
        return perTenant.id();
    }
}
