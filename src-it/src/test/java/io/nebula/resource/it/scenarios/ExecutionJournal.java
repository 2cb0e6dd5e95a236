package io.nebula.resource.it.scenarios;

import io.nebula.resource.ExecutionScoped;
import io.nebula.resource.cdi.WorkflowContexts;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/** A {@code @ExecutionScoped} bean: an execution's journal, shared by its actions. */
@ExecutionScoped
public class ExecutionJournal {

    @Inject
    WorkflowContexts contexts;

    private int serial;
    private String execution;

    @PostConstruct
    void created() {
        serial = ScopeLog.nextSerial();
        execution = contexts.current().execution();
    }

    @PreDestroy
    void destroyed() {
        ScopeLog.destroyed("ExecutionJournal(" + execution + ")");
    }

    /** Which instance this is: a new serial number for every instance created. */
    public int serial() {
        return serial;
    }

    public String execution() {
        return execution;
    }
}
