package io.nebula.resource.benchmarks.soak;

import io.nebula.resource.testing.FaultProxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The soak of issue 17: the Liberty sample on the {@code services} profile under a steady load, PostgreSQL and Redis
 * taken away (through a {@link FaultProxy} each, between the sample and the real servers, which keep running) at a
 * fixed period, and the server's heap after GC, threads, descriptors and server connections sampled throughout.
 * {@code benchmarks/run soak} runs it (see docs/reliability.md); exit status 0 when the run passed
 * ({@link SoakReport}), 1 when it did not, 2 for wrong options.
 *
 * <pre>java -cp benchmarks.jar io.nebula.resource.benchmarks.soak.Soak --wlp=DIR --server-xml=FILE --war=FILE --out=DIR
 *     [--duration=30m] [--period=5m] [--outage=10s] [--sample=30s] [--warm-up=PERIOD] [--clients=4] [--tenants=4] [--tolerance=5]
 *     [--grace=10s] [--allowed-failures=0] [--prefill-charges=10000] [--executor-threads=32] [--postgres=127.0.0.1:5432/test] [--postgres-user=postgres]
 *     [--redis=127.0.0.1:6379] [--chart=PNG] [--doc=MD] [--about.KEY=VALUE ...]</pre>
 */
public final class Soak {

    /** The sample's PostgreSQL resources and their {@code pool.max-size} (its own values, set again by the soak). */
    private static final Map<String, Integer> POSTGRES_POOLS = orderedPools();

    private static Map<String, Integer> orderedPools() {
        Map<String, Integer> pools = new LinkedHashMap<>();
        pools.put("orders-db", 10);
        pools.put("ledger", 5);
        return pools;
    }

    private Soak() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(parse(args)) ? 0 : 1;
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            System.err.println("soak: the run did not complete: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("options are --name=value, was " + arg);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static Duration duration(Map<String, String> options, String name, String fallback) {
        return SoakPlan.parseDuration(name, options.getOrDefault(name, fallback));
    }

    private static int integer(Map<String, String> options, String name, int fallback) {
        String value = options.get(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + "=" + value + ": not a whole number");
        }
    }

    private static boolean run(Map<String, String> options) throws Exception {
        Duration period = duration(options, "period", "5m");
        SoakPlan plan = new SoakPlan(duration(options, "duration", "30m"), period, duration(options, "outage", "10s"),
                duration(options, "sample", "30s"), duration(options, "warm-up", SoakPlan.format(period)),
                integer(options, "clients", 4), integer(options, "tenants", 4), integer(options, "tolerance", 5));
        Duration grace = duration(options, "grace", SoakPlan.SETTLE_SECONDS + "s");
        int allowedFailures = integer(options, "allowed-failures", 0);
        int executorThreads = integer(options, "executor-threads", 32);
        int prefill = integer(options, "prefill-charges", 10_000);
        Path wlp = Path.of(required(options, "wlp"));
        Path serverXml = Path.of(required(options, "server-xml"));
        Path war = Path.of(required(options, "war"));
        Path out = Path.of(required(options, "out"));
        Path chart = Path.of(options.getOrDefault("chart", out.resolve("soak.png").toString()));
        Path doc = options.containsKey("doc") ? Path.of(options.get("doc")) : null;
        String[] postgres = options.getOrDefault("postgres", "127.0.0.1:5432/test").split("[:/]", 3);
        String postgresUser = options.getOrDefault("postgres-user", "postgres");
        String[] redis = options.getOrDefault("redis", "127.0.0.1:6379").split(":", 2);
        if (postgres.length != 3 || redis.length != 2) {
            throw new IllegalArgumentException("--postgres is host:port/database and --redis host:port");
        }
        Map<String, String> about = new LinkedHashMap<>();
        about.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        options.forEach((k, v) -> {
            if (k.startsWith("about.")) {
                about.put(k.substring(6), v);
            }
        });
        about.put("java (server and load)", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        about.put("Liberty's default executor", executorThreads > 0 ? "fixed at " + executorThreads + " threads by the soak"
                : "as the sample configures it (Liberty's default)");

        // The run's own name: the sample's connections carry it (PostgreSQL application_name, Redis client name),
        // and its tenants start with it, so the probe counts only this run's connections and the clean-up removes
        // only its rows, whatever else uses the servers.
        long self = ProcessHandle.current().pid();
        String name = "nebula-soak-" + self;
        List<String> tenants = IntStream.rangeClosed(1, plan.tenants()).mapToObj(i -> "soak" + self + "-" + i).toList();
        String postgresUrl = "jdbc:postgresql://" + postgres[0] + ":" + postgres[1] + "/" + postgres[2];

        List<SoakReport.Sample> samples = new ArrayList<>();
        List<SoakReport.Outage> outages = new ArrayList<>();
        LoadClients load;
        try (FaultProxy pgProxy = FaultProxy.start(postgres[0], Integer.parseInt(postgres[1]));
             FaultProxy redisProxy = FaultProxy.start(redis[0], Integer.parseInt(redis[1]))) {
            Map<String, String> config = new LinkedHashMap<>();
            String proxied = "jdbc:postgresql://" + pgProxy.host() + ":" + pgProxy.port() + "/" + postgres[2];
            // The pools' sizes are set here, the sample's own values, so that the bound on PostgreSQL's connections
            // that the verdict applies is the one the server runs with.
            POSTGRES_POOLS.forEach((resource, maxSize) -> {
                config.put("%services.nebula.resource." + resource + ".url", proxied);
                config.put("%services.nebula.resource." + resource + ".properties.ApplicationName", name);
                config.put("%services.nebula.resource." + resource + ".pool.max-size", Integer.toString(maxSize));
            });
            config.put("%services.nebula.resource.cache.url", "redis://" + redisProxy.host() + ":" + redisProxy.port() + "/0");
            config.put("%services.nebula.resource.cache.client-name", name);
            LibertyServer server = LibertyServer.prepare(wlp, serverXml, war, config, executorThreads);
            Thread stopOnExit = new Thread(server::stop, "soak-stop-server");
            Runtime.getRuntime().addShutdownHook(stopOnExit);
            try {
                log("starting the sample on Open Liberty (" + LibertyServer.NAME + ")");
                server.start(Duration.ofMinutes(4));
                log("server pid " + server.pid() + " at " + server.uri("/") + "; PostgreSQL through :" + pgProxy.port()
                        + ", Redis through :" + redisProxy.port());
                try (Probe probe = Probe.attach(server.pid(), name, postgresUrl, postgresUser,
                        new InetSocketAddress(redis[0], Integer.parseInt(redis[1])))) {
                    if (prefill > 0) {
                        long began = System.nanoTime();
                        int refused = LoadClients.prefill(server::uri, prefill, plan.clients());
                        log("prefilled the fake payment provider with " + prefill + " charges in "
                                + (System.nanoTime() - began) / 1_000_000_000 + " s (" + refused + " refused)");
                    }
                    load = new LoadClients(server::uri, plan.clients(), tenants);
                    load.start();
                    log("load: " + plan.clients() + " clients for " + SoakPlan.format(plan.duration()));
                    try {
                        follow(plan, load, probe, List.of(pgProxy, redisProxy), samples, outages);
                    } finally {
                        load.stop();
                    }
                    cleanUp(probe, tenants);
                }
            } finally {
                server.stop();
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            }
        }

        SoakReport report = new SoakReport(plan, samples, outages, load.ok(), load.failed(), load.failures(), grace,
                allowedFailures, about, Map.of(SoakReport.Series.POSTGRESQL,
                        (double) POSTGRES_POOLS.values().stream().mapToInt(Integer::intValue).sum()));
        Files.createDirectories(out);
        Files.writeString(out.resolve("soak.csv"), report.csv());
        report.chart(chart);
        String section = report.markdown(doc == null ? chart.getFileName().toString()
                : doc.toAbsolutePath().getParent().relativize(chart.toAbsolutePath()).toString());
        Files.writeString(out.resolve("soak.md"), section);
        if (doc != null) {
            SoakReport.updateDoc(doc, section);
        }
        List<String> problems = report.problems();
        log((problems.isEmpty() ? "PASSED" : "FAILED: " + String.join("; ", problems)) + " (" + out.resolve("soak.md") + ", "
                + chart + (doc == null ? "" : ", " + doc) + ")");
        return problems.isEmpty();
    }

    private enum Kind { DOWN, UP, SAMPLE }

    private record Event(long atMs, Kind kind, long plannedMs) {
    }

    /** Runs the plan's timeline: the samples, and each outage's down and up, at their times. */
    private static void follow(SoakPlan plan, LoadClients load, Probe probe, List<FaultProxy> proxies,
                               List<SoakReport.Sample> samples, List<SoakReport.Outage> outages) throws InterruptedException {
        List<Event> events = new ArrayList<>();
        plan.sampleTimes().forEach(t -> events.add(new Event(t, Kind.SAMPLE, t)));
        for (SoakPlan.Window w : plan.outages()) {
            events.add(new Event(w.startMs(), Kind.DOWN, w.startMs()));
            events.add(new Event(w.endMs(), Kind.UP, w.endMs()));
        }
        events.sort(Comparator.comparingLong(Event::atMs));
        long start = load.startNanos();
        long downAt = -1;
        Probe.Starts last = null;
        long lastOk = 0;
        long lastFailed = 0;
        for (Event event : events) {
            long wait = start + event.atMs() * 1_000_000 - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            long now = (System.nanoTime() - start) / 1_000_000;
            switch (event.kind()) {
                case DOWN -> {
                    proxies.forEach(FaultProxy::down);
                    downAt = now;
                    log("backends down at " + SoakReport.clock(now));
                }
                case UP -> {
                    proxies.forEach(FaultProxy::up);
                    outages.add(new SoakReport.Outage(downAt, now, null));
                    log("backends up at " + SoakReport.clock(now));
                }
                case SAMPLE -> {
                    Probe.Reading reading = null;
                    String error = null;
                    for (int attempt = 0; reading == null && attempt < 2; attempt++) {
                        try {
                            if (attempt > 0) {
                                Thread.sleep(5000); // once more: a shared server may have been restarting
                            }
                            reading = probe.read();
                            Probe.Starts starts = probe.starts();
                            restarts(last, starts, samples.isEmpty() ? 0 : samples.get(samples.size() - 1).atMs(),
                                    load.startEpochMs(), outages);
                            last = starts;
                        } catch (IOException | SQLException | RuntimeException e) {
                            reading = null;
                            error = e.toString();
                        }
                    }
                    long ok = load.ok();
                    long failed = load.failed();
                    samples.add(new SoakReport.Sample(event.plannedMs(), now, reading, ok - lastOk, failed - lastFailed, error));
                    log(SoakReport.clock(now) + " " + (reading == null ? "unreadable: " + error : reading) + ", requests "
                            + (ok - lastOk) + " ok, " + (failed - lastFailed) + " failed");
                    lastOk = ok;
                    lastFailed = failed;
                }
            }
        }
    }

    /**
     * Records a restart of a real server that the soak did not make (the servers are shared: another build may restart
     * one), seen as a new start time since the previous sample: an outage from that sample to the new start.
     */
    private static void restarts(Probe.Starts before, Probe.Starts now, long previousSampleMs, long loadStartEpochMs,
                                 List<SoakReport.Outage> outages) {
        if (before == null) {
            return;
        }
        if (!before.postgres().equals(now.postgres())) {
            restart("PostgreSQL restarted at " + now.postgres(), now.postgres().toEpochMilli() - loadStartEpochMs,
                    previousSampleMs, outages);
        }
        if (!Objects.equals(before.redisRunId(), now.redisRunId())) {
            restart("Redis restarted at about " + now.redis().truncatedTo(ChronoUnit.SECONDS),
                    now.redis().toEpochMilli() - loadStartEpochMs, previousSampleMs, outages);
        }
    }

    private static void restart(String cause, long startedMs, long previousSampleMs, List<SoakReport.Outage> outages) {
        outages.add(new SoakReport.Outage(previousSampleMs, Math.max(previousSampleMs, startedMs), cause));
        log("not the soak's: " + cause);
    }

    /** Removes the rows this run's tenants left in the sample's tables: the database is shared. */
    private static void cleanUp(Probe probe, List<String> tenants) {
        String prefix = tenants.get(0).substring(0, tenants.get(0).lastIndexOf('-') + 1) + "%";
        for (String table : List.of("sample_ledger", "sample_orders")) {
            try {
                int rows = probe.update("DELETE FROM " + table + " WHERE tenant LIKE ?", prefix);
                log("removed this run's " + rows + " rows from " + table);
            } catch (SQLException e) {
                log("could not remove this run's rows from " + table + ": " + e.getMessage());
            }
        }
    }

    private static void log(String message) {
        System.out.println("soak: " + message);
    }
}
