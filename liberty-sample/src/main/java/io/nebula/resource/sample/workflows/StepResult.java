package io.nebula.resource.sample.workflows;

import jakarta.json.bind.annotation.JsonbNillable;

import java.util.List;

/**
 * One action of a workflow run.
 *
 * @param outcome {@code ok}, {@code failed}, or {@code skipped} (an earlier action failed)
 * @param result  what the action returned, when it succeeded
 * @param error   why it failed: the exception's type and message, and its cause's
 */
@JsonbNillable
public record StepResult(String action, List<String> resources, String outcome, long durationMs, Object result,
                         String error) {
}
