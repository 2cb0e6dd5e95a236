package io.nebula.resource.core.pipeline;

import io.nebula.resource.core.Admission;
import io.nebula.resource.core.cluster.ClusterLimits;
import io.nebula.resource.core.telemetry.PoolTelemetry;

/**
 * The one place where an acquisition's stages are assembled from the pool's policy. As a call runs, outermost
 * first:
 * <pre>
 * tenant admission → audit → tracing → fallback → metering (and history) → deadline → operator hold → quarantine → cluster gate → circuit breaker → retry (backoff, jitter, budget) → attempt guard (timeout) → bulkhead → cluster limits → innermost
 * </pre>
 * The innermost step is the pool's own {@code acquire} for leases, or a provider's hand-out (a JDBC
 * {@code getConnection()}) for what a provider hands out itself; both share the pool's breaker, meter, quarantine
 * and audit. A stage that is switched off is not in the pipeline at all:
 * <ul>
 *   <li>tenant admission ({@link AdmissionStage}) only in the leases of a tenant's pool whose {@code tenant.quota.*}
 *       limits anything;</li>
 *   <li>audit ({@link AuditStage}) only when the application audits;</li>
 *   <li>tracing only when a telemetry backend traces; metering always ({@code ResourceStatistics} reads it); the
 *       deadline always ({@link DeadlineStage}: each call may bring one); the metering stage feeds the pool's history
 *       only with {@code nebula.history.enabled} (the default), from the readings it takes anyway;</li>
 *   <li>fallback ({@link FallbackStage}) only when the resource names a {@code fallback};</li>
 *   <li>the operator hold ({@link OperatorHold}) only while an operator paused or drained the pool;</li>
 *   <li>quarantine only with {@code health.quarantine-after} above 0 or while quarantined by hand, the breaker only with
 *       {@code circuit-breaker.enabled}, retry only with {@code retry.max-retries} above 0, the attempt guard only
 *       with {@code timeout}, the bulkhead ({@link BulkheadStage}) only with {@code bulkhead.max-concurrent} above
 *       0;</li>
 *   <li>the cluster gate ({@link ClusterGateStage}) only when a cluster is configured and the pool was given its
 *       gate; inside quarantine (a quarantined pool asks nothing of the cluster), outside the breaker (this node's own
 *       open circuit refuses as ever, and the cluster's one probe passes the breaker as any acquisition);</li>
 *   <li>cluster limits ({@link ClusterStage}) only in the leases of a resource with a {@code cluster.*} limit.</li>
 * </ul>
 * Which tenant's pool (and so which pipeline) serves a call is {@code TenantPools}' choice, made before: a request
 * without a valid tenant, or one for which no pool may be opened under {@code tenant.max-pools} or
 * {@code tenant.max-instances}, is refused there, before any pipeline.
 *
 * <p>Written inside out, as SmallRye Fault Tolerance's {@code prepareSyncStrategy} is: each stage wraps the
 * ones below it.
 */
final class AcquisitionPipeline {

    private AcquisitionPipeline() {
    }

    /**
     * @param admission the tenant's quota for a pipeline of leases, {@code null} for one of hand-outs or a pool that
     *                  admits everyone
     * @param fallback  how the resource's fallback serves what this pipeline acquires, {@code null} without one
     */
    static <T> Acquisition<T> assemble(Weave weave, PoolTelemetry telemetry, Admission admission, Acquisition<T> innermost,
                                       Acquisition<T> fallback) {
        return assemble(weave, telemetry, admission, null, innermost, fallback);
    }

    /** @param cluster the resource's cluster-wide limits for a pipeline of leases, {@code null} for none */
    static <T> Acquisition<T> assemble(Weave weave, PoolTelemetry telemetry, Admission admission, ClusterLimits cluster,
                                       Acquisition<T> innermost, Acquisition<T> fallback) {
        ResiliencePolicy policy = weave.policy();
        // with retries, each attempt's failure moves readiness at once, not only the acquisition's last one
        Acquisition<T> stage = policy.maxRetries() > 0 ? weave.health().eachAttempt(innermost) : innermost;
        if (cluster != null) { // outside eachAttempt: a cluster refusal says nothing of the backend's readiness
            stage = new ClusterStage<>(stage, cluster);
        }
        if (policy.maxConcurrent() > 0) { // the pool's one bulkhead: its count outlives this assembly
            stage = new BulkheadStage<>(stage, weave.bulkhead(), weave.resource());
        }
        AttemptGuard guard = weave.attemptGuard(); // read once: an operator's new timeout replaces it
        if (guard != null) {
            stage = new AttemptStage<>(stage, guard, weave.resource(), policy);
        }
        if (policy.maxRetries() > 0) {
            stage = new RetryStage<>(stage, weave.resource(), policy, weave.failures()::retryable, weave.health()::backendDown,
                    weave.hitClock(), weave.ticker(), weave.poolTimeout());
        }
        if (weave.breaker() != null) {
            stage = new CircuitBreakerStage<>(stage, weave.breaker(), weave.circuit(), weave.failures());
        }
        if (weave.gate() != null) {
            CircuitBreaker breaker = weave.breaker();
            stage = new ClusterGateStage<>(stage, weave.gate(), () -> breaker != null && breaker.isOpen(),
                    weave.poolTimeout());
        }
        if (weave.quarantines()) {
            stage = new QuarantineStage<>(stage, weave.quarantine());
        }
        if (weave.hold() != null) {
            stage = new OperatorHold<>(stage, weave.resource(), weave.hold());
        }
        stage = new DeadlineStage<>(stage, weave.resource(), weave.ticker(), weave.poolTimeout());
        stage = new MeteringStage<>(stage, weave.meter(), weave.hitClock(), weave.ticker(), telemetry, weave.log(),
                weave.failed(), weave.health(), weave.history());
        if (fallback != null) {
            stage = new FallbackStage<>(stage, weave.fallback().name(), fallback, telemetry, weave.audit());
        }
        if (telemetry.traces()) {
            stage = new TracingStage<>(stage, telemetry);
        }
        if (weave.audit() != null) {
            stage = new AuditStage<>(stage, weave.audit(), weave.resource());
        }
        if (admission != null) {
            stage = new AdmissionStage<>(stage, admission);
        }
        return stage;
    }
}
