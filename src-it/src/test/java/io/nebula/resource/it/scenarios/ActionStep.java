package io.nebula.resource.it.scenarios;

import io.nebula.resource.ActionScoped;
import io.nebula.resource.cdi.WorkflowContexts;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/** A {@code @ActionScoped} bean: the step an action records, one per action invocation. */
@ActionScoped
public class ActionStep {

    @Inject
    WorkflowContexts contexts;

    private int serial;
    private String action;

    @PostConstruct
    void created() {
        serial = ScopeLog.nextSerial();
        action = contexts.current().action();
    }

    @PreDestroy
    void destroyed() {
        ScopeLog.destroyed("ActionStep(" + action + ")");
    }

    /** Which instance this is: a new serial number for every instance created. */
    public int serial() {
        return serial;
    }

    public String action() {
        return action;
    }
}
