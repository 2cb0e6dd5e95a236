package io.nebula.resource.it.scenarios;

import io.nebula.resource.WorkflowScoped;
import io.nebula.resource.cdi.WorkflowContexts;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/** A {@code @WorkflowScoped} bean: a workflow's plan, shared by its executions. */
@WorkflowScoped
public class WorkflowPlan {

    @Inject
    WorkflowContexts contexts;

    private int serial;
    private String workflow;

    @PostConstruct
    void created() {
        serial = ScopeLog.nextSerial();
        workflow = contexts.current().workflow();
    }

    @PreDestroy
    void destroyed() {
        ScopeLog.destroyed("WorkflowPlan(" + workflow + ")");
    }

    /** Which instance this is: a new serial number for every instance created. */
    public int serial() {
        return serial;
    }

    public String workflow() {
        return workflow;
    }
}
