package io.nebula.resource.benchmarks.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a soak run samples and when its backends go away, fixed before it starts.
 *
 * <p>Samples are taken at {@code 0, sample, 2 × sample, ...} up to {@code duration}. The k-th outage begins
 * {@value #OUTAGE_OFFSET_SECONDS} s after the sample at {@code k × period + period / 2} and lasts {@code outage}; the
 * plan is refused unless every outage ends at least {@value #SETTLE_SECONDS} s before the next sample, so a sample never
 * sees a backend down or just back: what it measures is what is left after a restart, not the restart itself. The
 * {@code warmUp} (JIT, class loading, caches filling, at least the first outage and its recovery) is at least one
 * period; flatness is judged on the samples from its end to the end of the run.
 */
record SoakPlan(Duration duration, Duration period, Duration outage, Duration sample, Duration warmUp, int clients,
                int tenants, double tolerancePercent) {

    static final int OUTAGE_OFFSET_SECONDS = 5;
    static final int SETTLE_SECONDS = 10;

    /** An outage of the backends, in milliseconds from the start of the load. */
    record Window(long startMs, long endMs) {
    }

    SoakPlan {
        positive("duration", duration);
        positive("period", period);
        positive("outage", outage);
        positive("sample", sample);
        positive("warm-up", warmUp);
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be at least 1, was " + clients);
        }
        if (tenants < 1) {
            throw new IllegalArgumentException("--tenants must be at least 1, was " + tenants);
        }
        if (!(tolerancePercent > 0)) {
            throw new IllegalArgumentException("--tolerance must be a positive percentage, was " + tolerancePercent);
        }
        long half = period.toMillis() / 2;
        if (period.toMillis() % 2 != 0 || half % sample.toMillis() != 0) {
            throw new IllegalArgumentException("--period=" + format(period) + ": half of it must be a whole number of --sample="
                    + format(sample) + ", so that each outage begins right after a sample");
        }
        if (OUTAGE_OFFSET_SECONDS * 1000L + outage.toMillis() + SETTLE_SECONDS * 1000L > sample.toMillis()) {
            throw new IllegalArgumentException("--outage=" + format(outage) + " does not fit between two samples (--sample="
                    + format(sample) + "): it begins " + OUTAGE_OFFSET_SECONDS + " s after one and must end "
                    + SETTLE_SECONDS + " s before the next");
        }
        if (warmUp.compareTo(period) < 0) {
            throw new IllegalArgumentException("--warm-up=" + format(warmUp) + " is shorter than --period=" + format(period)
                    + ": the warm-up holds at least the first outage and its recovery");
        }
        if (duration.toMillis() < warmUp.toMillis() + 2 * sample.toMillis()) {
            throw new IllegalArgumentException("--duration=" + format(duration) + " leaves fewer than two samples after the warm-up"
                    + " (--warm-up=" + format(warmUp) + ")");
        }
    }

    /** The sample times, in milliseconds from the start of the load. */
    List<Long> sampleTimes() {
        List<Long> times = new ArrayList<>();
        for (long t = 0; t <= duration.toMillis(); t += sample.toMillis()) {
            times.add(t);
        }
        return times;
    }

    /** The outages that begin and end within the run. */
    List<Window> outages() {
        List<Window> windows = new ArrayList<>();
        for (long k = 0; ; k++) {
            long start = k * period.toMillis() + period.toMillis() / 2 + OUTAGE_OFFSET_SECONDS * 1000L;
            long end = start + outage.toMillis();
            if (end > duration.toMillis()) {
                return windows;
            }
            windows.add(new Window(start, end));
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("--" + name + " must be a positive duration, was " + d);
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
    static Duration parseDuration(String option, String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--" + option + "=" + text + ": not a duration (a whole number followed by ms, s, m or h)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** {@code 5m}, {@code 30s}, {@code 1m30s}: the shortest form that is exact to the second. */
    static String format(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s >= 60) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        return s + "s";
    }
}
