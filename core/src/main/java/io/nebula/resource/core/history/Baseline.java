package io.nebula.resource.core.history;

/**
 * One signal's baseline (a pool's acquisition p99, or its error rate) and whether it is departed from now. The rule,
 * applied to each completed bucket with at least {@value #MIN_ACQUISITIONS} acquisitions (a quieter bucket is neither
 * judged nor learned from):
 * <ul>
 *   <li>the first {@value #MIN_BUCKETS} buckets seed the baseline with their median and the deviation with their
 *       mean absolute difference from it, so that one cold-start bucket (a pool's first connections) does not
 *       inflate it; after them, baseline and deviation are exponentially weighted moving averages ({@value #ALPHA})
 *       of the value and of its absolute difference from the baseline, over the buckets not flagged (RFC 6298's
 *       estimator of a round trip);</li>
 *   <li>once {@value #MIN_BUCKETS} buckets are learned, a bucket whose value is above
 *       {@code max(baseline + 3 × deviation, 3 × baseline, floor)} is flagged; while flagged the baseline does not learn
 *       (an anomaly must not become the norm);</li>
 *   <li>a flagged signal clears on a bucket at or below {@code max(baseline + deviation, floor)}: between the two
 *       levels it stays as it is (hysteresis).</li>
 * </ul>
 */
final class Baseline {

    static final double ALPHA = 0.1;
    static final int MIN_ACQUISITIONS = 20;
    static final int MIN_BUCKETS = 6;

    private final double floor;
    private double mean;
    private double deviation;
    private int learned;
    private final double[] seed = new double[MIN_BUCKETS];
    private volatile boolean flagged; // read by the gauge's thread, written under the history's lock

    /** @param floor below which a value is never anomalous: 5 (ms) for p99, 0.05 for the error rate */
    Baseline(double floor) {
        this.floor = floor;
    }

    enum Verdict { NONE, FLAGGED, CLEARED }

    /** Judges one completed bucket's {@code value}, then learns from it if it was not anomalous. */
    Verdict observe(double value) {
        if (learned >= MIN_BUCKETS) {
            if (!flagged && value > flagLevel()) {
                flagged = true;
                return Verdict.FLAGGED;
            }
            if (flagged) {
                if (value <= clearLevel()) {
                    flagged = false;
                    learn(value);
                    return Verdict.CLEARED;
                }
                return Verdict.NONE;
            }
        }
        learn(value);
        return Verdict.NONE;
    }

    private void learn(double value) {
        if (learned < MIN_BUCKETS) {
            seed[learned] = value;
            if (learned == MIN_BUCKETS - 1) {
                double[] sorted = seed.clone();
                java.util.Arrays.sort(sorted);
                mean = (sorted[MIN_BUCKETS / 2 - 1] + sorted[MIN_BUCKETS / 2]) / 2; // MIN_BUCKETS is even
                double d = 0;
                for (double v : seed) {
                    d += Math.abs(v - mean);
                }
                deviation = d / MIN_BUCKETS;
            } else {
                mean = value; // not judged before the seed is complete
            }
        } else {
            deviation = (1 - ALPHA) * deviation + ALPHA * Math.abs(value - mean);
            mean = (1 - ALPHA) * mean + ALPHA * value;
        }
        learned++;
    }

    double flagLevel() {
        return Math.max(Math.max(mean + 3 * deviation, 3 * mean), floor);
    }

    double clearLevel() {
        return Math.max(mean + deviation, floor);
    }

    double mean() {
        return mean;
    }

    boolean flagged() {
        return flagged;
    }
}
