package io.nebula.resource.sample.workflows;

import java.time.Instant;
import java.util.List;

/** One run of a workflow for a tenant: {@code outcome} is {@code ok} when every action succeeded. */
public record WorkflowRun(String workflow, String tenant, String execution, String outcome, Instant started,
                          long durationMs, List<StepResult> steps) {

    public boolean succeeded() {
        return "ok".equals(outcome);
    }
}
