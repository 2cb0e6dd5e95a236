package io.nebula.resource.benchmarks.soak;

import io.nebula.resource.benchmarks.report.LineChart;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * What a soak run measured and its verdict: the series (CSV), the chart (PNG) and the section of
 * {@code docs/reliability.md}, all computed here from the samples so that the document and the run agree.
 *
 * <p>The run passes when every sample could be read, every series is {@link Flatness flat} after the warm-up, the
 * load was served in every interval after the warm-up, and at most {@code allowedFailures} requests that began after
 * the warm-up failed outside the outages; a request is in an outage when it was under way at any moment from the
 * outage's start to {@code grace} after its end. Failures during the warm-up are reported, not counted.
 */
final class SoakReport {

    static final String BEGIN = "<!-- soak-results:begin (written by benchmarks/run soak; edits here are replaced) -->";
    static final String END = "<!-- soak-results:end -->";

    /** One sample: planned and actual time (ms since the load began), what was read, requests since the last one. */
    record Sample(long plannedMs, long atMs, Probe.Reading reading, long ok, long failed, String error) {
    }

    /**
     * An outage as it happened (ms since the load began): one of the soak's ({@code cause} null), or a restart of a real
     * server that the soak did not make, from the last sample before it to the server's new start time.
     */
    record Outage(long startMs, long endMs, String cause) {
        boolean soaks() {
            return cause == null;
        }
    }

    /**
     * The sampled series, with the smallest change each can show (see {@link Flatness}). Those not {@code judged} are
     * shown and tabled but take no part in the verdict.
     */
    enum Series {
        HEAP("heap after GC", "MiB", "heap_after_gc_mib", 0, true, r -> r.heapAfterGcBytes() / (1024.0 * 1024.0),
                new Color(0x1f, 0x4e, 0x9c)),
        THREADS("live threads", "", "threads", 1, true, Probe.Reading::threads, new Color(0x2e, 0x8b, 0x57)),
        EXECUTOR_THREADS("of which Liberty's default executor", "", "executor_threads", 1, false,
                Probe.Reading::executorThreads, new Color(0x8f, 0xbc, 0x8f)),
        FILE_DESCRIPTORS("open file descriptors", "", "file_descriptors", 1, true, Probe.Reading::fileDescriptors,
                new Color(0x7b, 0x3f, 0xa0)),
        POSTGRESQL("PostgreSQL connections (pg_stat_activity)", "", "postgresql_connections", 1, true,
                Probe.Reading::postgresConnections, new Color(0x33, 0x66, 0x99)),
        REDIS("Redis connections (CLIENT LIST)", "", "redis_connections", 1, true, Probe.Reading::redisConnections,
                new Color(0xc0, 0x39, 0x2b));

        final String label;
        final String unit;
        final String column;
        final double unitFloor;
        final boolean judged;
        final ToDoubleFunction<Probe.Reading> value;
        final Color color;

        Series(String label, String unit, String column, double unitFloor, boolean judged, ToDoubleFunction<Probe.Reading> value,
               Color color) {
            this.label = label;
            this.unit = unit;
            this.column = column;
            this.unitFloor = unitFloor;
            this.judged = judged;
            this.value = value;
            this.color = color;
        }

        String title() {
            return unit.isEmpty() ? label : label + " (" + unit + ")";
        }
    }

    private final SoakPlan plan;
    private final List<Sample> samples;
    private final List<Outage> outages;
    private final List<LoadClients.Failure> failures;
    private final long ok;
    private final long failed;
    private final Duration grace;
    private final long allowedFailures;
    private final Map<String, String> about;
    private final Map<Series, Double> bounds;

    /**
     * @param bounds the series judged by a bound instead of by their drift: a pool's connections rise and fall with its
     *               load between its minimum and maximum by design (idle eviction, refill after an outage), so a drift
     *               of a few connections over a short run is no leak, while a count above the pools' summed
     *               {@code pool.max-size} is one at any length of run
     */
    SoakReport(SoakPlan plan, List<Sample> samples, List<Outage> outages, long ok, long failed,
               List<LoadClients.Failure> failures, Duration grace, long allowedFailures, Map<String, String> about,
               Map<Series, Double> bounds) {
        this.plan = plan;
        this.samples = List.copyOf(samples);
        this.outages = List.copyOf(outages);
        this.ok = ok;
        this.failed = failed;
        this.failures = List.copyOf(failures);
        this.grace = grace;
        this.allowedFailures = allowedFailures;
        this.about = about;
        this.bounds = bounds.isEmpty() ? Map.of() : new EnumMap<>(bounds);
    }

    /** Whether {@code series} passes: within its bound at every judged sample if it has one, else flat. */
    private boolean passes(Series series, Flatness f) {
        Double bound = bounds.get(series);
        return bound != null ? f.max() <= bound : f.flat();
    }

    private String verdict(Series series, Flatness f) {
        if (!series.judged) {
            return "(not judged)";
        }
        if (bounds.containsKey(series)) {
            return passes(series, f) ? "within its bound" : "**above its bound**";
        }
        return f.flat() ? "flat" : "**not flat**";
    }

    private String allowed(Series series, Flatness f) {
        Double bound = bounds.get(series);
        return bound != null ? "at most " + number(bound) + " at every sample" : "±" + number(f.allowed());
    }

    private boolean measured(Sample s) {
        return s.plannedMs() >= plan.warmUp().toMillis();
    }

    private List<Sample> measuredReadings() {
        return samples.stream().filter(this::measured).filter(s -> s.reading() != null).toList();
    }

    /** Each series' flatness over the samples after the warm-up. */
    Map<Series, Flatness> flatness() {
        List<Sample> after = measuredReadings();
        Map<Series, Flatness> result = new EnumMap<>(Series.class);
        if (after.size() < 2) {
            return result;
        }
        double[] t = after.stream().mapToDouble(s -> s.atMs() / 1000.0).toArray();
        for (Series series : Series.values()) {
            double[] y = after.stream().mapToDouble(s -> series.value.applyAsDouble(s.reading())).toArray();
            result.put(series, Flatness.of(t, y, plan.tolerancePercent() / 100, series.unitFloor));
        }
        return result;
    }

    /** Failed requests under way at no moment from an outage's start to {@code grace} after its end. */
    List<LoadClients.Failure> failuresOutsideOutages() {
        return failures.stream().filter(f -> outages.stream().noneMatch(o ->
                f.startMs() <= o.endMs() + grace.toMillis() && f.endMs() >= o.startMs())).toList();
    }

    /** Those of {@link #failuresOutsideOutages()} that began after the warm-up: the ones the verdict counts. */
    List<LoadClients.Failure> failuresCounted() {
        return failuresOutsideOutages().stream().filter(f -> f.startMs() >= plan.warmUp().toMillis()).toList();
    }

    /** Why the run did not pass; empty when it did. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        samples.stream().filter(s -> s.reading() == null).forEach(s ->
                problems.add("the sample at " + clock(s.plannedMs()) + " could not be read: " + s.error()));
        Map<Series, Flatness> flatness = flatness();
        if (flatness.isEmpty()) {
            problems.add("fewer than two samples after the warm-up");
        }
        flatness.forEach((series, f) -> {
            Double bound = bounds.get(series);
            if (series.judged && bound != null && !passes(series, f)) {
                problems.add(series.label + " rose to " + number(f.max()) + " after the warm-up, above its bound "
                        + number(bound) + " (the pools' summed pool.max-size)");
            } else if (series.judged && bound == null && !f.flat()) {
                problems.add(series.label + " is not flat: it drifts " + number(f.drift()) + " (" + percent(f.driftPercent())
                        + " of its mean " + number(f.mean()) + ") after the warm-up, more than " + number(f.allowed()));
            }
        });
        List<LoadClients.Failure> counted = failuresCounted();
        if (counted.size() > allowedFailures) {
            problems.add(counted.size() + " requests failed after the warm-up outside the outages (at most " + allowedFailures
                    + " allowed)");
        }
        for (int i = 1; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (measured(s) && s.ok() == 0) {
                problems.add("no request succeeded between " + clock(samples.get(i - 1).plannedMs()) + " and " + clock(s.plannedMs()));
            }
        }
        return problems;
    }

    boolean passed() {
        return problems().isEmpty();
    }

    String csv() {
        StringBuilder csv = new StringBuilder("seconds,phase");
        for (Series series : Series.values()) {
            csv.append(',').append(series.column);
        }
        csv.append(",requests_ok,requests_failed\n");
        for (Sample s : samples) {
            csv.append(String.format(Locale.ROOT, "%.1f", s.atMs() / 1000.0)).append(',').append(measured(s) ? "measured" : "warm-up");
            for (Series series : Series.values()) {
                csv.append(',');
                if (s.reading() != null) {
                    double v = series.value.applyAsDouble(s.reading());
                    csv.append(series == Series.HEAP ? String.format(Locale.ROOT, "%.1f", v) : Long.toString((long) v));
                }
            }
            csv.append(',').append(s.ok()).append(',').append(s.failed()).append('\n');
        }
        return csv.toString();
    }

    /** The results section of docs/reliability.md, between its markers. */
    String markdown(String chartLink) {
        StringBuilder md = new StringBuilder();
        List<String> problems = problems();
        md.append(BEGIN).append("\n\n");
        md.append("**").append(problems.isEmpty() ? "Passed" : "Failed").append(":** ");
        if (problems.isEmpty()) {
            md.append("every series flat within ").append(number(plan.tolerancePercent())).append("% after the warm-up")
                    .append(bounds.isEmpty() ? "" : " or within its bound").append(", ")
                    .append(failuresCounted().size()).append(" failed requests after the warm-up outside the outages (at most ")
                    .append(allowedFailures).append(").\n");
        } else {
            md.append(String.join("; ", problems)).append(".\n");
        }
        md.append('\n');
        about.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("- load: ").append(plan.clients()).append(" clients over ").append(plan.tenants())
                .append(" tenants for ").append(SoakPlan.format(plan.duration())).append(", sampled every ")
                .append(SoakPlan.format(plan.sample())).append("; warm-up: the first ").append(SoakPlan.format(plan.warmUp())).append('\n');
        md.append("- outages (PostgreSQL and Redis down through their fault proxies): ")
                .append(outages.stream().filter(Outage::soaks).map(o -> clock(o.startMs()) + "–" + clock(o.endMs()))
                        .collect(Collectors.joining(", "))).append('\n');
        outages.stream().filter(o -> !o.soaks()).forEach(o -> md.append("- **not the soak's**: ").append(o.cause())
                .append(" (between ").append(clock(o.startMs())).append(" and ").append(clock(o.endMs()))
                .append("); failures then count as during an outage\n"));
        long seconds = Math.max(1, plan.duration().toSeconds());
        List<LoadClients.Failure> outside = failuresOutsideOutages();
        int counted = failuresCounted().size();
        md.append("- requests: ").append(ok).append(" succeeded (").append(number((double) ok / seconds)).append("/s), ")
                .append(failed).append(" failed: ").append(failed - outside.size()).append(" during an outage or within ")
                .append(SoakPlan.format(grace)).append(" of its end, ").append(outside.size() - counted)
                .append(" outside the outages during the warm-up, ").append(counted).append(" outside the outages after it\n\n");

        md.append("| series | first after warm-up | last | min | max | mean | fitted drift | allowed | verdict |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        flatness().forEach((series, f) -> md.append("| ").append(series.title()).append(" | ").append(number(f.first()))
                .append(" | ").append(number(f.last())).append(" | ").append(number(f.min())).append(" | ").append(number(f.max()))
                .append(" | ").append(number(f.mean())).append(" | ").append(signed(f.drift())).append(" (")
                .append(percent(f.driftPercent())).append(") | ").append(allowed(series, f)).append(" | ")
                .append(verdict(series, f)).append(" |\n"));
        md.append('\n');
        if (!outside.isEmpty()) {
            md.append("Failed requests outside the outages (the first ").append(Math.min(10, outside.size()))
                    .append("; those before ").append(clock(plan.warmUp().toMillis())).append(" are in the warm-up):\n\n");
            outside.stream().limit(10).forEach(f -> md.append("- ").append(clock(f.startMs())).append(" ").append(f.workflow())
                    .append(" (").append(f.endMs() - f.startMs()).append(" ms): ").append(f.outcome().replace('\n', ' ')).append('\n'));
            md.append('\n');
        }
        md.append("![Soak: heap, threads, descriptors and connections over the run](").append(chartLink).append(")\n\n");
        md.append("<details><summary>The series (CSV; requests counted since the previous sample)</summary>\n\n```csv\n")
                .append(csv()).append("```\n\n</details>\n\n");
        md.append(END).append('\n');
        return md.toString();
    }

    void chart(Path png) throws IOException {
        double end = plan.duration().toSeconds();
        LineChart chart = new LineChart("Soak: the Liberty sample on the services profile",
                plan.clients() + " clients, " + SoakPlan.format(plan.duration()) + ", PostgreSQL and Redis down "
                        + SoakPlan.format(plan.outage()) + " every " + SoakPlan.format(plan.period()) + "; "
                        + about.getOrDefault("date", ""), end);
        chart.band(new LineChart.Band(0, plan.warmUp().toSeconds(), new Color(238, 238, 238), "warm-up"));
        for (Outage o : outages) {
            chart.band(o.soaks()
                    ? new LineChart.Band(o.startMs() / 1000.0, o.endMs() / 1000.0, new Color(250, 205, 200), "backends down")
                    : new LineChart.Band(o.startMs() / 1000.0, o.endMs() / 1000.0, new Color(255, 225, 160), "a server restarted (not by the soak)"));
        }
        List<Sample> readable = samples.stream().filter(s -> s.reading() != null).toList();
        double[] t = readable.stream().mapToDouble(s -> s.atMs() / 1000.0).toArray();
        Map<Series, Flatness> flatness = flatness();
        List<Sample> after = measuredReadings();
        for (Series series : Series.values()) {
            double[] y = readable.stream().mapToDouble(s -> series.value.applyAsDouble(s.reading())).toArray();
            Flatness f = flatness.get(series);
            LineChart.Line fit = null;
            String note = "";
            if (f != null) {
                double from = after.get(0).atMs() / 1000.0;
                double to = after.get(after.size() - 1).atMs() / 1000.0;
                fit = new LineChart.Line(from, f.fitted(from), to, f.fitted(to));
                note = "drift " + signed(f.drift()) + " (" + percent(f.driftPercent()) + ")" + (!series.judged ? ", not judged"
                        : ", allowed " + allowed(series, f) + ": " + verdict(series, f).replace("**", ""));
            }
            chart.panel(series.title(), note, series.color, t, y, fit);
        }
        double[] st = new double[samples.size() - 1];
        double[] rate = new double[samples.size() - 1];
        for (int i = 1; i < samples.size(); i++) {
            Sample s = samples.get(i);
            st[i - 1] = s.atMs() / 1000.0;
            rate[i - 1] = s.ok() / Math.max(0.001, (s.atMs() - samples.get(i - 1).atMs()) / 1000.0);
        }
        chart.panel("successful requests per second (since the previous sample)", "", Color.DARK_GRAY, st, rate, null);
        chart.write(png);
    }

    /** Replaces the results section of {@code doc} (between {@link #BEGIN} and {@link #END}), or appends one. */
    static void updateDoc(Path doc, String section) throws IOException {
        String text = Files.exists(doc) ? Files.readString(doc) : "# Reliability\n";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String updated;
        if (begin >= 0 && end > begin) {
            updated = text.substring(0, begin) + section + text.substring(end + END.length()).replaceFirst("^\n", "");
        } else {
            updated = text + (text.endsWith("\n") ? "\n" : "\n\n") + "## Soak results\n\n" + section;
        }
        Files.writeString(doc, updated);
    }

    static String clock(long ms) {
        long s = Math.round(ms / 1000.0);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String signed(double v) {
        return (v >= 0 ? "+" : "") + number(v);
    }

    private static String percent(double p) {
        return Double.isNaN(p) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", p);
    }
}
