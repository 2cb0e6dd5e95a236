package io.nebula.resource.it.scenarios;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.it.support.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The four scoped resources of {@link WorkflowScopesIT}, injected as client proxies: each call uses the lease
 * bound to the caller's current scope. The methods answer the id of the instance behind the proxy.
 */
@ApplicationScoped
public class Channels {

    @Inject
    @NebulaResource("per-tenant")
    Channel perTenant;

    @Inject
    @NebulaResource("per-workflow")
    Channel perWorkflow;

    @Inject
    @NebulaResource("per-execution")
    Channel perExecution;

    @Inject
    @NebulaResource("per-action")
    Channel perAction;

    public int perTenant() {
        return perTenant.id();
    }

    public int perWorkflow() {
        return perWorkflow.id();
    }

    public int perExecution() {
        return perExecution.id();
    }

    public int perAction() {
        return perAction.id();
    }
}
