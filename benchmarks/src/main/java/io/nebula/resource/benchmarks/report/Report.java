package io.nebula.resource.benchmarks.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns the CSV files of one benchmark run into {@code summary.md} (tables, ratios against the
 * targets of issues 7 and 12) and PNG charts. Figures are copied, never retyped, so the document and the run
 * agree.
 *
 * <pre>java -cp benchmarks.jar io.nebula.resource.benchmarks.report.Report results-dir chart-prefix</pre>
 * writes {@code results-dir/summary.md}, {@code chart-prefix-hit.png} and {@code chart-prefix-latency.png}.
 */
public final class Report {

    /** The pools of the hit cycle, in the order of the tables, with their labels and colours. */
    private static final Map<String, Pool> POOLS = new LinkedHashMap<>();

    private record Pool(String label, Color color) {
    }

    static {
        pool("nebulaCoreMetered", "Nebula core + metrics listener", new Color(0x1f, 0x4e, 0x9c));
        pool("nebulaCore", "Nebula core", new Color(0x6f, 0xa8, 0xdc));
        pool("nebulaWoven", "Nebula WovenPool, plain Java (core pipeline at defaults, no telemetry)", new Color(0x00, 0x7c, 0x91));
        pool("nebulaResourcesAcquire", "Nebula Resources.acquire, CDI (pipeline at defaults, OpenTelemetry metrics)", new Color(0x33, 0x33, 0x33));
        pool("stormpot", "Stormpot 3.2", new Color(0x2e, 0x8b, 0x57));
        pool("commonsPool2", "commons-pool2 2.13.1", new Color(0x80, 0x80, 0x80));
        pool("nebulaJdbcInjected", "Nebula jdbc, injected (stub)", new Color(0x7b, 0x3f, 0xa0));
        pool("agroal", "Agroal 3.2.1 (stub)", new Color(0xc0, 0x39, 0x2b));
        pool("agroalConfiguredLikeNebula", "Agroal 3.2.1 configured as Nebula jdbc does (stub)", new Color(0xf1, 0x94, 0x8a));
        pool("hikari", "HikariCP 7.1.0 (stub)", new Color(0xe6, 0x9f, 0x00));
    }

    private static void pool(String method, String label, Color color) {
        POOLS.put(method, new Pool(label, color));
    }

    /** The pools of the h2 suite ({@code H2HitCycle}), in the order of its table, with their labels. */
    private static final Map<String, String> H2_POOLS = new LinkedHashMap<>();

    static {
        H2_POOLS.put("nebulaInjected", "Nebula jdbc, injected (H2; OpenTelemetry metrics)");
        H2_POOLS.put("agroal", "Agroal 3.2.1 (H2, defaults)");
        H2_POOLS.put("agroalConfiguredLikeNebula", "Agroal 3.2.1 configured as Nebula jdbc does (H2)");
        H2_POOLS.put("hikari", "HikariCP 7.1.0 (H2, defaults)");
    }

    /** One column of the hit-cycle tables: a thread count and a contention. */
    private record Config(int threads, String contention) {
        String title() {
            return threads + (threads == 1 ? " thread" : " threads") + (contention.equals("CONTENDED") ? ", contended" : "");
        }

        String chartTitle() {
            return threads + (threads == 1 ? " thread" : " threads") + "\n" + contention.toLowerCase(Locale.ROOT);
        }
    }

    private final List<JmhResult> results;
    private final Path dir;
    private final StringBuilder md = new StringBuilder();

    private Report(Path dir, List<JmhResult> results) {
        this.dir = dir;
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Report <results-dir> <chart-prefix>   (writes <results-dir>/summary.md, <chart-prefix>-*.png)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        List<JmhResult> results = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path csv : files.filter(p -> p.toString().endsWith(".csv")).sorted().collect(Collectors.toList())) {
                results.addAll(JmhResult.read(csv));
            }
        }
        Report report = new Report(dir, results);
        report.write(args[1]);
        System.out.println("wrote " + dir.resolve("summary.md"));
    }

    private void write(String chartPrefix) throws IOException {
        hitCycle(chartPrefix);
        allocation();
        h2Cycle();
        pipelineTargets();
        otherSuites();
        includeIfPresent("pinning.md");
        includeIfPresent("footprint.md");
        Files.writeString(dir.resolve("summary.md"), md.toString());
    }

    // --- suite 1: the pool-hit cycle //

    private void hitCycle(String chartPrefix) throws IOException {
        List<JmhResult> hit = results.stream().filter(r -> r.suite().equals("PoolHitCycle")).collect(Collectors.toList());
        if (hit.isEmpty()) {
            return;
        }
        List<Config> configs = hit.stream().map(r -> new Config(r.threads(), r.param("contention"))).distinct()
                .sorted(Comparator.comparing((Config c) -> c.contention().equals("CONTENDED")).thenComparingInt(Config::threads))
                .collect(Collectors.toList());
        List<String> pools = POOLS.keySet().stream().filter(m -> hit.stream().anyMatch(r -> r.method().equals(m)))
                .collect(Collectors.toList());

        md.append("## Pool-hit cycle: throughput (ops/µs, higher is better)\n\n");
        header("pool", configs.stream().map(Config::title).collect(Collectors.toList()));
        for (String pool : pools) {
            List<String> cells = new ArrayList<>();
            for (Config c : configs) {
                cells.add(throughput(hit, pool, c).map(Report::withError).orElse("–"));
            }
            row(POOLS.get(pool).label(), cells);
        }
        md.append('\n');

        targets(hit, configs);

        List<String> groups = configs.stream().map(Config::chartTitle).collect(Collectors.toList());
        BarChart throughput = new BarChart("Pool-hit cycle (acquire + release): throughput",
                "ops/µs, higher is better; " + machine() + "one JMH run, every pool in the same run",
                "ops/µs", groups, false);
        BarChart latency = new BarChart("Pool-hit cycle: p99 latency",
                "µs per cycle at the 99th percentile (JMH sample time), lower is better, logarithmic scale",
                "µs (p99)", groups, true);
        for (String pool : pools) {
            Pool p = POOLS.get(pool);
            throughput.add(p.label(), p.color(), configs.stream()
                    .mapToDouble(c -> throughput(hit, pool, c).map(JmhResult::score).orElse(Double.NaN)).toArray());
            latency.add(p.label(), p.color(), configs.stream()
                    .mapToDouble(c -> percentileValue(hit, pool, c, "p0.99")).toArray());
        }

        if (hit.stream().noneMatch(JmhResult::isPercentile)) {
            throughput.write(Path.of(chartPrefix + "-hit.png"));
            return;
        }
        md.append("## Pool-hit cycle: sample-time percentiles (µs per cycle: p50 / p99 / p99.9 / p99.99)\n\n");
        header("pool", configs.stream().map(Config::title).collect(Collectors.toList()));
        for (String pool : pools) {
            List<String> cells = new ArrayList<>();
            for (Config c : configs) {
                cells.add(percentile(hit, pool, c, "p0.50") + " / " + percentile(hit, pool, c, "p0.99") + " / "
                        + percentile(hit, pool, c, "p0.999") + " / " + percentile(hit, pool, c, "p0.9999"));
            }
            row(POOLS.get(pool).label(), cells);
        }
        md.append('\n');

        throughput.write(Path.of(chartPrefix + "-hit.png"));
        latency.write(Path.of(chartPrefix + "-latency.png"));
    }

    /** Bytes allocated per hit cycle, from the run with JMH's GC profiler ({@code profile/hit-gc-*.csv}). */
    private void allocation() throws IOException {
        List<JmhResult> norm = allocationPerCycle();
        if (norm.isEmpty()) {
            return;
        }
        md.append("## Pool-hit cycle: bytes allocated per cycle (JMH `-prof gc`, ").append(norm.get(0).threads())
                .append(" threads, uncontended)\n\n");
        header("pool", List.of("B per cycle"));
        for (String pool : POOLS.keySet()) {
            norm.stream().filter(r -> r.method().equals(pool)).findFirst()
                    .ifPresent(r -> row(POOLS.get(pool).label(), List.of(String.format(Locale.ROOT, "%.0f", r.score()))));
        }
        md.append('\n');
    }

    /** JMH's {@code gc.alloc.rate.norm} (bytes per operation) of each pool, from {@code profile/hit-gc-*.csv}. */
    private List<JmhResult> allocationPerCycle() throws IOException {
        Path profile = dir.resolve("profile");
        if (!Files.isDirectory(profile)) {
            return List.of();
        }
        List<JmhResult> gc = new ArrayList<>();
        try (Stream<Path> files = Files.list(profile)) {
            for (Path csv : files.filter(p -> p.getFileName().toString().startsWith("hit-gc")).sorted().collect(Collectors.toList())) {
                gc.addAll(JmhResult.read(csv));
            }
        }
        return gc.stream().filter(r -> "gc.alloc.rate.norm".equals(r.percentile())).collect(Collectors.toList());
    }

    private void targets(List<JmhResult> hit, List<Config> configs) {
        md.append("## Targets of issue 7 (Nebula = core pool with the metrics listener on)\n\n");
        header("target", List.of("configuration", "measured", "verdict"));
        for (Config c : configs) {
            Optional<Double> nebula = throughput(hit, "nebulaCoreMetered", c).map(JmhResult::score);
            if (nebula.isEmpty()) {
                continue;
            }
            ratioAtLeast("faster than HikariCP", c, nebula.get(), throughput(hit, "hikari", c), 1.0);
            ratioAtLeast("faster than raw Agroal", c, nebula.get(), throughput(hit, "agroal", c), 1.0);
            if (c.threads() == 16) {
                ratioAtLeast("≥ 10× commons-pool2 at 16 threads", c, nebula.get(), throughput(hit, "commonsPool2", c), 10.0);
            }
            ratioAtLeast("≥ half of Stormpot", c, nebula.get(), throughput(hit, "stormpot", c), 0.5);
        }
        for (Config c : configs) {
            Optional<JmhResult> jdbc = throughput(hit, "nebulaJdbcInjected", c);
            Optional<JmhResult> agroal = throughput(hit, "agroal", c);
            if (jdbc.isPresent() && agroal.isPresent()) {
                double overhead = overhead(jdbc.get(), agroal.get());
                String verdict = overhead <= 0.20 ? "met" : "**missed** by " + pct(overhead - 0.20) + " points";
                row("Nebula jdbc ≤ 20% over raw Agroal", List.of(c.title(), pct(overhead) + " overhead", verdict));
            }
            Optional<JmhResult> likeNebula = throughput(hit, "agroalConfiguredLikeNebula", c);
            if (jdbc.isPresent() && likeNebula.isPresent()) {
                row("(attribution) Nebula jdbc over Agroal configured the same way", List.of(c.title(),
                        pct(overhead(jdbc.get(), likeNebula.get())) + " overhead", "not a target: Nebula's own code"));
            }
        }
        md.append('\n');
    }

    /** Extra time per cycle of {@code slower} over {@code base}: (1/slower - 1/base) / (1/base). */
    private static double overhead(JmhResult slower, JmhResult base) {
        return base.score() / slower.score() - 1;
    }

    private static String withError(JmhResult r) {
        return Double.isNaN(r.error()) ? fmt(r.score()) : fmt(r.score()) + " ± " + fmt(r.error());
    }

    private void ratioAtLeast(String target, Config c, double nebula, Optional<JmhResult> peer, double wanted) {
        if (peer.isEmpty()) {
            return;
        }
        double ratio = nebula / peer.get().score();
        String verdict = ratio >= wanted ? "met" : "**missed**: " + fmt(ratio) + "× instead of " + fmt(wanted)
                + "× (" + pct(1 - ratio / wanted) + " short)";
        row(target, List.of(c.title(), fmt(ratio) + "×", verdict));
    }

    private static Optional<JmhResult> throughput(List<JmhResult> hit, String method, Config c) {
        return hit.stream().filter(r -> r.method().equals(method) && r.mode().equals("thrpt") && !r.isPercentile()
                && r.threads() == c.threads() && r.param("contention").equals(c.contention())).findFirst();
    }

    private static double percentileValue(List<JmhResult> hit, String method, Config c, String p) {
        return hit.stream().filter(r -> r.method().equals(method) && p.equals(r.percentile())
                        && r.threads() == c.threads() && r.param("contention").equals(c.contention()))
                .mapToDouble(JmhResult::score).findFirst().orElse(Double.NaN);
    }

    private static String percentile(List<JmhResult> hit, String method, Config c, String p) {
        double v = percentileValue(hit, method, c, p);
        return Double.isNaN(v) ? "–" : fmt(v);
    }

    // --- the h2 suite: the pool-hit cycle on an in-memory H2 database //

    private void h2Cycle() {
        List<JmhResult> h2 = results.stream().filter(r -> r.suite().equals("H2HitCycle") && r.mode().equals("thrpt")
                && !r.isPercentile()).collect(Collectors.toList());
        if (h2.isEmpty()) {
            return;
        }
        List<Config> configs = h2.stream().map(r -> new Config(r.threads(), "")).distinct()
                .sorted(Comparator.comparingInt(Config::threads)).collect(Collectors.toList());
        List<String> pools = H2_POOLS.keySet().stream().filter(m -> h2.stream().anyMatch(r -> r.method().equals(m)))
                .collect(Collectors.toList());
        List<String> titles = configs.stream().map(Config::title).collect(Collectors.toList());

        md.append("## Pool-hit cycle on H2 (in memory, pool size = threads): throughput (ops/µs, higher is better)\n\n");
        header("pool", titles);
        for (String pool : pools) {
            List<String> cells = new ArrayList<>();
            for (Config c : configs) {
                cells.add(h2Throughput(h2, pool, c).map(Report::withError).orElse("–"));
            }
            row(H2_POOLS.get(pool), cells);
        }
        md.append('\n');

        if (!pools.contains("hikari")) {
            return;
        }
        md.append("## Pool-hit cycle on H2: throughput relative to HikariCP (× HikariCP's ops/µs, higher is better)\n\n");
        header("pool", titles);
        for (String pool : pools) {
            if (pool.equals("hikari")) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (Config c : configs) {
                Optional<JmhResult> mine = h2Throughput(h2, pool, c);
                Optional<JmhResult> hikari = h2Throughput(h2, "hikari", c);
                cells.add(mine.isPresent() && hikari.isPresent() ? fmt(mine.get().score() / hikari.get().score()) + "×" : "–");
            }
            row(H2_POOLS.get(pool), cells);
        }
        md.append('\n');
    }

    private static Optional<JmhResult> h2Throughput(List<JmhResult> h2, String method, Config c) {
        return h2.stream().filter(r -> r.method().equals(method) && r.threads() == c.threads()).findFirst();
    }

    // --- the targets of issue 12: the woven path as an application takes it //

    /**
     * The targets of issue 12 at 1 / 4 / 16 uncontended threads: {@code Resources.acquire} (the pipeline at its
     * defaults, OpenTelemetry metrics) against the bare core pool, HikariCP and Stormpot; the injected
     * {@code DataSource} against HikariCP and against Agroal configured as the provider does, on the stub driver
     * and on H2; bytes allocated per woven hit. The plain Java {@code WovenPool} is shown against the bare pool as
     * attribution (what the pipeline alone costs).
     */
    private void pipelineTargets() throws IOException {
        List<JmhResult> hit = results.stream().filter(r -> r.suite().equals("PoolHitCycle")).collect(Collectors.toList());
        List<JmhResult> h2 = results.stream().filter(r -> r.suite().equals("H2HitCycle") && r.mode().equals("thrpt")
                && !r.isPercentile()).collect(Collectors.toList());
        if (hit.stream().noneMatch(r -> r.method().equals("nebulaResourcesAcquire")) && h2.isEmpty()) {
            return;
        }
        md.append("## Targets of issue 12 (uncontended; Nebula = `Resources.acquire` + `close()` at the deployed defaults)\n\n");
        header("target", List.of("configuration", "measured", "verdict"));
        List<Config> configs = hit.stream().filter(r -> r.param("contention").equals("UNCONTENDED"))
                .map(r -> new Config(r.threads(), r.param("contention"))).distinct()
                .sorted(Comparator.comparingInt(Config::threads)).collect(Collectors.toList());
        for (Config c : configs) {
            throughput(hit, "nebulaResourcesAcquire", c).map(JmhResult::score).ifPresent(woven -> {
                ratioAtLeast("Resources.acquire ≥ 0.8× the bare core pool", c, woven, throughput(hit, "nebulaCore", c), 0.8);
                ratioAtLeast("Resources.acquire ≥ 1.0× HikariCP", c, woven, throughput(hit, "hikari", c), 1.0);
                ratioAtLeast("Resources.acquire ≥ 0.5× Stormpot", c, woven, throughput(hit, "stormpot", c), 0.5);
            });
            throughput(hit, "nebulaWoven", c).map(JmhResult::score).ifPresent(woven -> throughput(hit, "nebulaCore", c)
                    .ifPresent(core -> row("(attribution) WovenPool, plain Java, against the bare core pool",
                            List.of(c.title(), fmt(woven / core.score()) + "×", "not a target: the pipeline alone"))));
        }
        for (Config c : configs) {
            throughput(hit, "nebulaJdbcInjected", c).map(JmhResult::score).ifPresent(jdbc -> {
                ratioAtLeast("injected DataSource (stub) ≥ 1.0× HikariCP", c, jdbc, throughput(hit, "hikari", c), 1.0);
                ratioAtLeast("injected DataSource (stub) ≥ 0.8× Agroal configured alike", c, jdbc,
                        throughput(hit, "agroalConfiguredLikeNebula", c), 0.8);
            });
        }
        List<Config> h2Configs = h2.stream().map(r -> new Config(r.threads(), "")).distinct()
                .sorted(Comparator.comparingInt(Config::threads)).collect(Collectors.toList());
        for (Config c : h2Configs) {
            h2Throughput(h2, "nebulaInjected", c).map(JmhResult::score).ifPresent(jdbc -> {
                ratioAtLeast("injected DataSource (H2) ≥ 1.0× HikariCP", c, jdbc, h2Throughput(h2, "hikari", c), 1.0);
                ratioAtLeast("injected DataSource (H2) ≥ 0.8× Agroal configured alike", c, jdbc,
                        h2Throughput(h2, "agroalConfiguredLikeNebula", c), 0.8);
            });
        }
        for (JmhResult r : allocationPerCycle()) {
            if (r.method().equals("nebulaWoven") || r.method().equals("nebulaResourcesAcquire")) {
                row("≤ 48 B allocated per woven hit: " + POOLS.get(r.method()).label(),
                        List.of(r.threads() + " threads", String.format(Locale.ROOT, "%.0f B", r.score()),
                                r.score() <= 48.5 ? "met" : "**missed**"));
            }
        }
        md.append('\n');
    }

    // --- the other suites: their own tables, with the ratio each target asks for //

    private void otherSuites() {
        Map<String, List<JmhResult>> bySuite = results.stream()
                .filter(r -> !r.suite().equals("PoolHitCycle") && !r.suite().equals("H2HitCycle") && !r.isPercentile())
                .collect(Collectors.groupingBy(JmhResult::suite, LinkedHashMap::new, Collectors.toList()));
        bySuite.forEach((suite, rows) -> {
            md.append("## ").append(suite).append("\n\n");
            List<String> paramNames = rows.stream().flatMap(r -> r.params().keySet().stream()).distinct().collect(Collectors.toList());
            List<String> columns = new ArrayList<>(paramNames);
            columns.addAll(List.of("mode", "threads", "score", "unit"));
            header("benchmark", columns);
            for (JmhResult r : rows) {
                List<String> cells = new ArrayList<>();
                paramNames.forEach(p -> cells.add(r.param(p)));
                cells.addAll(List.of(r.mode(), String.valueOf(r.threads()), withError(r), r.unit()));
                row(r.method(), cells);
            }
            md.append('\n');
            ratios(suite, rows);
        });
    }

    /** Nebula against its reference in the same suite and parameters: raw driver for a miss, HikariCP for virtual threads. */
    private void ratios(String suite, List<JmhResult> rows) {
        if (suite.equals("TenantScale")) {
            tenantScale(rows);
            return;
        }
        if (suite.equals("ObservabilityCost")) {
            observability(rows);
            return;
        }
        String reference = switch (suite) {
            case "PoolMiss" -> "rawDriver";
            case "VirtualThreadsCycle" -> "hikari";
            default -> null;
        };
        if (reference == null) {
            return;
        }
        for (JmhResult ref : rows) {
            if (!ref.method().equals(reference)) {
                continue;
            }
            for (JmhResult other : rows) {
                if (other.method().startsWith("nebula") && other.params().equals(ref.params()) && other.mode().equals(ref.mode())) {
                    double ratio = other.score() / ref.score();
                    md.append("- ").append(other.method()).append(" / ").append(reference)
                            .append(ref.params().isEmpty() ? "" : " " + ref.params())
                            .append(": ").append(fmt(ratio)).append("× the time (")
                            .append(ratio <= 1 ? pct(1 - ratio) + " less" : pct(ratio - 1) + " more").append(")\n");
                }
            }
        }
        md.append('\n');
    }

    /** What each telemetry setting adds to a cycle, against the same cycle with no OpenTelemetry SDK. */
    private void observability(List<JmhResult> rows) {
        header("cycle", List.of("telemetry", "ns per cycle", "added over no SDK"));
        for (JmhResult r : rows) {
            rows.stream().filter(b -> b.method().equals(r.method()) && b.param("telemetry").equals("NONE")).findFirst()
                    .ifPresent(base -> row(r.method(), List.of(r.param("telemetry"), fmt(r.score()),
                            r == base ? "(reference)" : "+" + fmt(r.score() - base.score()) + " ns (" + signed(r.score() / base.score() - 1) + ")")));
        }
        md.append('\n');
    }

    /**
     * The cost of an acquisition at N tenant pools against its cost at one (target: within 20%): the
     * engine's {@code TenantPools} alone, the whole request through the extension, and that request less
     * entering and leaving the tenant's scope.
     */
    private void tenantScale(List<JmhResult> rows) {
        Map<String, Map<Integer, Double>> byMethod = new java.util.HashMap<>();
        for (JmhResult r : rows) {
            byMethod.computeIfAbsent(r.method(), m -> new java.util.TreeMap<>())
                    .put(Integer.parseInt(r.param("tenants")), r.score());
        }
        Map<Integer, Double> engine = byMethod.getOrDefault("tenantPools", Map.of());
        Map<Integer, Double> whole = byMethod.getOrDefault("throughExtension", Map.of());
        Map<Integer, Double> enter = byMethod.getOrDefault("enterTenantOnly", Map.of());
        java.util.SortedSet<Integer> counts = new java.util.TreeSet<>(engine.keySet());
        counts.addAll(whole.keySet());
        if (!counts.contains(1)) {
            return;
        }
        header("tenant pools", List.of("engine: TenantPools.acquire + close", "vs 1 tenant",
                "extension: enter + acquire + release + leave", "vs 1 tenant", "extension less enter/leave", "vs 1 tenant"));
        for (int n : counts) {
            List<String> cells = new ArrayList<>();
            growth(cells, engine.get(n), engine.get(1), n);
            growth(cells, whole.get(n), whole.get(1), n);
            Double acquire = whole.containsKey(n) && enter.containsKey(n) ? whole.get(n) - enter.get(n) : null;
            Double acquire1 = whole.containsKey(1) && enter.containsKey(1) ? whole.get(1) - enter.get(1) : null;
            growth(cells, acquire, acquire1, n);
            row(String.format(Locale.ROOT, "%,d", n), cells);
        }
        md.append("\nTarget: flat within 20% from 1 to 10,000 tenants; a growth above +20% is marked **missed**.\n\n");
    }

    private static void growth(List<String> cells, Double ns, Double base, int tenants) {
        if (ns == null || base == null) {
            cells.add("–");
            cells.add("–");
            return;
        }
        double g = ns / base - 1;
        cells.add(fmt(ns) + " ns");
        cells.add(tenants == 1 ? "(reference)" : signed(g) + (g > 0.20 ? " **missed**" : " met"));
    }

    private static String signed(double fraction) {
        return (fraction >= 0 ? "+" : "") + pct(fraction);
    }

    private void includeIfPresent(String file) {
        Path p = dir.resolve(file);
        if (Files.exists(p)) {
            try {
                md.append(Files.readString(p)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + p, e);
            }
        }
    }

    private String machine() {
        Path env = dir.resolve("environment.txt");
        try {
            return Files.exists(env) ? Files.readAllLines(env).stream().filter(l -> l.startsWith("chart:"))
                    .map(l -> l.substring(6).trim() + "; ").findFirst().orElse("") : "";
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + env, e);
        }
    }

    // --- markdown //

    private void header(String first, List<String> columns) {
        md.append("| ").append(first).append(" | ").append(String.join(" | ", columns)).append(" |\n");
        md.append("|---").append("|---:".repeat(columns.size())).append("|\n");
    }

    private void row(String first, List<String> cells) {
        md.append("| ").append(first).append(" | ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : BarChart.format(v);
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }
}
