package io.nebula.resource.benchmarks.soak;

/**
 * Whether a series stays flat after the warm-up. A least-squares line is fitted through the samples after the
 * warm-up; its <em>drift</em> is how much the line rises (or falls) from the first of those samples to the last.
 * The series is flat when the drift is at most {@code tolerance} of the samples' mean, or at most 1.5 {@code unit}s:
 * a count (threads, connections, descriptors) moves by whole units, and a count that steps up by one at any moment
 * of the run fits a line that rises by up to 1.5 (6 p (1 - p) for a step at fraction p of the span), which is not a
 * leak, while a second step is. A fitted line, not the last sample against the first, so that one sample taken
 * during a burst does not decide the verdict, while a steady growth of any size shows.
 */
record Flatness(double slope, double intercept, double mean, double drift, double allowed, double first, double last,
                double min, double max) {

    static Flatness of(double[] t, double[] y, double tolerance, double unit) {
        int n = t.length;
        if (n < 2 || y.length != n) {
            throw new IllegalArgumentException("a flatness needs at least two samples, was " + n);
        }
        double mt = 0;
        double my = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            mt += t[i];
            my += y[i];
            min = Math.min(min, y[i]);
            max = Math.max(max, y[i]);
        }
        mt /= n;
        my /= n;
        double sty = 0;
        double stt = 0;
        for (int i = 0; i < n; i++) {
            sty += (t[i] - mt) * (y[i] - my);
            stt += (t[i] - mt) * (t[i] - mt);
        }
        double slope = stt == 0 ? 0 : sty / stt;
        double drift = slope * (t[n - 1] - t[0]);
        return new Flatness(slope, my - slope * mt, my, drift, Math.max(tolerance * Math.abs(my), 1.5 * unit), y[0], y[n - 1],
                min, max);
    }

    boolean flat() {
        return Math.abs(drift) <= allowed;
    }

    /** The drift as a percentage of the mean ({@code NaN} for a mean of zero). */
    double driftPercent() {
        return mean == 0 ? (drift == 0 ? 0 : Double.NaN) : 100 * drift / Math.abs(mean);
    }

    /** The fitted line at time {@code t}. */
    double fitted(double t) {
        return intercept + slope * t;
    }
}
