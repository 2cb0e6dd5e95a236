package io.nebula.resource.it.scenarios;

import io.nebula.resource.it.support.Archives;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link WorkflowScopesScenarios} on the Arquillian containers: this archive, with the scenario's configuration. */
@ExtendWith(ArquillianExtension.class)
class WorkflowScopesIT extends WorkflowScopesScenarios {

    @Deployment
    static WebArchive application() {
        return Archives.application("workflow-scopes", """
                        nebula.resource.per-tenant.kind=it-channel
                        nebula.resource.per-tenant.scope=tenant
                        nebula.resource.per-tenant.pool.max-size=1
                        nebula.resource.per-tenant.pool.acquire-timeout=2s
                        nebula.resource.per-workflow.kind=it-channel
                        nebula.resource.per-workflow.scope=workflow
                        nebula.resource.per-execution.kind=it-channel
                        nebula.resource.per-execution.scope=execution
                        nebula.resource.per-action.kind=it-channel
                        nebula.resource.per-action.scope=action
                        """,
                WorkflowScopesIT.class, WorkflowScopesScenarios.class, ScopeLog.class, TenantAccount.class, WorkflowPlan.class,
                ExecutionJournal.class, ActionStep.class, Channels.class);
    }
}
