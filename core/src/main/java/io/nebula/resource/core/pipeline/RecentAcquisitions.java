package io.nebula.resource.core.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * The recent acquisitions of some pools taken together (a resource's shared pool and its tenants'), as
 * {@code ResourceStatistics} reports them: see {@link AcquisitionMeter} for the window.
 *
 * @param acquisitions how many, retries counted as part of their acquisition
 * @param p99          an upper bound of the 99th percentile (nearest rank) of how long they took, failed ones
 *                     included: the top of the power-of-two millisecond bucket that holds it (1 ms for a pool hit)
 * @param errorRate    the share that failed, after their retries, 0 to 1
 */
public record RecentAcquisitions(long acquisitions, Duration p99, double errorRate) {

    /** The figures of {@code pools} now; empty when none of them had an acquisition in the window. */
    public static Optional<RecentAcquisitions> of(Iterable<? extends WovenPool<?>> pools) {
        AcquisitionMeter.Totals sum = null;
        for (WovenPool<?> p : pools) {
            AcquisitionMeter.Totals t = p.meter().recent(p.weave().ticker().nanoTime());
            sum = sum == null ? t : sum.plus(t);
        }
        if (sum == null || sum.acquisitions() == 0) {
            return Optional.empty();
        }
        return Optional.of(new RecentAcquisitions(sum.acquisitions(), AcquisitionMeter.upperBound(sum.bucketAt(0.99)),
                (double) sum.failures() / sum.acquisitions()));
    }
}
