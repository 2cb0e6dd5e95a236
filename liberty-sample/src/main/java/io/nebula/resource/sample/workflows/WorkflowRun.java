package io.nebula.resource.sample.workflows;

import java.time.Instant;
import java.util.List;

/**
 * One run of a workflow for a tenant: {@code outcome} is {@code ok} when every action succeeded. When an action
 * failed because a resource could not be had, {@code unavailable} says which and why (absent otherwise).
 */
public record WorkflowRun(String workflow, String tenant, String execution, String outcome, Instant started,
                          long durationMs, List<StepResult> steps, Unavailable unavailable) {

    public boolean succeeded() {
        return "ok".equals(outcome);
    }
}
