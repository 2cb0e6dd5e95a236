package io.nebula.resource.core.pipeline;

import io.nebula.resource.core.telemetry.PoolTelemetry;

/**
 * The one place where an acquisition's stages are assembled from the pool's policy. As a call runs, outermost
 * first:
 * <pre>
 * tracing → metering → quarantine → circuit breaker → retry (backoff, jitter, deadline) → attempt guard (timeout, bulkhead) → innermost
 * </pre>
 * The innermost step is the pool's own {@code acquire} for leases, or a provider's hand-out (a JDBC
 * {@code getConnection()}) for what a provider hands out itself; both share the pool's breaker, meter and
 * quarantine. A stage that is switched off is not in the pipeline at all. Tenant admission (quotas, limits) runs
 * before the pipeline, in {@code TenantPools}, which picks the tenant's pool whose pipeline this is.
 *
 * <p>Written inside out, as SmallRye Fault Tolerance's {@code prepareSyncStrategy} is: each stage wraps the
 * ones below it.
 */
final class AcquisitionPipeline {

    private AcquisitionPipeline() {
    }

    static <T> Acquisition<T> assemble(Weave weave, PoolTelemetry telemetry, Acquisition<T> innermost) {
        ResiliencePolicy policy = weave.policy();
        // with retries, each attempt's failure moves readiness at once, not only the acquisition's last one
        Acquisition<T> stage = policy.maxRetries() > 0 ? weave.health().eachAttempt(innermost) : innermost;
        if (weave.attemptGuard() != null) {
            stage = new AttemptStage<>(stage, weave.attemptGuard(), weave.resource(), policy);
        }
        if (policy.maxRetries() > 0) {
            stage = new RetryStage<>(stage, policy, weave.failures()::retryable, weave.health()::backendDown,
                    weave.hitClock(), weave.ticker(), weave.poolTimeout());
        }
        if (weave.breaker() != null) {
            stage = new CircuitBreakerStage<>(stage, weave.breaker(), weave.circuit(), weave.failures());
        }
        if (weave.quarantine() != null) {
            stage = new QuarantineStage<>(stage, weave.quarantine());
        }
        stage = new MeteringStage<>(stage, weave.meter(), weave.hitClock(), weave.ticker(), telemetry, weave.log(),
                weave.failed(), weave.health());
        if (telemetry.traces()) {
            stage = new TracingStage<>(stage, telemetry);
        }
        return stage;
    }
}
