package io.nebula.resource.benchmarks.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The soak's verdict, series and document section, from samples made up here. */
class SoakReportTest {

    /** 5 minutes, an outage every minute (35–45 s past it), warm-up the first minute, samples every 30 s. */
    private static final SoakPlan PLAN = new SoakPlan(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), 4, 4, 5);

    private static List<SoakReport.Sample> samples(LongFunction<Probe.Reading> reading) {
        List<SoakReport.Sample> samples = new ArrayList<>();
        for (long t : PLAN.sampleTimes()) {
            samples.add(new SoakReport.Sample(t, t + 3, reading.apply(t), t == 0 ? 0 : 1000, 0, null));
        }
        return samples;
    }

    private static List<SoakReport.Outage> outages() {
        return PLAN.outages().stream().map(w -> new SoakReport.Outage(w.startMs(), w.endMs(), null)).toList();
    }

    private static Probe.Reading steady(long t) {
        // a warm-up that grows, then flat with a little noise
        double warm = t < 60_000 ? t / 60_000.0 : 1;
        return new Probe.Reading((long) ((60 + 30 * warm + (t / 30_000 % 2)) * 1024 * 1024), (int) (50 + 20 * warm),
                8, 160, 9, 1);
    }

    private static SoakReport report(List<SoakReport.Sample> samples, List<LoadClients.Failure> failures) {
        Map<String, String> about = new LinkedHashMap<>();
        about.put("date", "2026-12-04 18:30 UTC");
        return new SoakReport(PLAN, samples, outages(), 8000, failures.size(), failures, Duration.ofSeconds(10), 0, about,
                Map.of(SoakReport.Series.POSTGRESQL, 15.0));
    }

    @Test
    void poolConnectionsMayFallOrRiseWithinThePoolsBoundButNotPassIt() {
        // the CI run that failed: the pools gave back two connections over the judged minutes (10 → 8), no leak
        SoakReport shrinking = report(samples(t -> {
            Probe.Reading r = steady(t);
            return new Probe.Reading(r.heapAfterGcBytes(), r.threads(), r.executorThreads(), r.fileDescriptors(),
                    t < 150_000 ? 10 : 8, r.redisConnections());
        }), List.of());
        assertThat(shrinking.flatness().get(SoakReport.Series.POSTGRESQL).flat()).isFalse();
        assertThat(shrinking.problems()).isEmpty();
        assertThat(shrinking.markdown("x.png")).contains("| at most 15 at every sample | within its bound |");

        SoakReport leaking = report(samples(t -> {
            Probe.Reading r = steady(t);
            return new Probe.Reading(r.heapAfterGcBytes(), r.threads(), r.executorThreads(), r.fileDescriptors(),
                    t < 240_000 ? 9 : 16, r.redisConnections());
        }), List.of());
        assertThat(leaking.problems()).containsExactly(
                "PostgreSQL connections (pg_stat_activity) rose to 16 after the warm-up, above its bound 15 (the pools' summed pool.max-size)");
        assertThat(leaking.markdown("x.png")).contains("**above its bound**");
    }

    @Test
    void aRunThatGrowsOnlyDuringItsWarmUpAndFailsOnlyDuringOutagesPasses() {
        List<LoadClients.Failure> failures = List.of(
                new LoadClients.Failure(36_000, 36_010, "fetch-orders", "t", "500 down"),
                new LoadClients.Failure(30_000, 36_000, "process-payments", "t", "500 began before the outage"),
                new LoadClients.Failure(54_000, 54_100, "fetch-orders", "t", "500 within the grace"),
                new LoadClients.Failure(3_000, 14_000, "process-payments", "t", "500 in the warm-up"));
        SoakReport report = report(samples(SoakReportTest::steady), failures);
        assertThat(report.problems()).isEmpty();
        assertThat(report.failuresOutsideOutages()).extracting(LoadClients.Failure::outcome).containsExactly("500 in the warm-up");
        assertThat(report.failuresCounted()).isEmpty();
    }

    @Test
    void aGrowingHeapAThreadLeakAndAFailureAfterTheWarmUpEachFailTheRun() {
        SoakReport report = report(samples(t -> {
            Probe.Reading r = steady(t);
            return new Probe.Reading(r.heapAfterGcBytes() + t * 40, r.threads() + (int) (t / 30_000), r.executorThreads(),
                    r.fileDescriptors(), r.postgresConnections(), r.redisConnections());
        }), List.of(new LoadClients.Failure(130_000, 130_050, "fetch-orders", "t", "500 while everything was up")));
        assertThat(report.problems()).hasSize(3);
        assertThat(report.problems().get(0)).startsWith("heap after GC is not flat");
        assertThat(report.problems().get(1)).startsWith("live threads is not flat");
        assertThat(report.problems().get(2)).isEqualTo("1 requests failed after the warm-up outside the outages (at most 0 allowed)");
    }

    @Test
    void failuresAroundARestartOfARealServerThatTheSoakDidNotMakeAreNotCountedAndTheRestartIsNamed() {
        List<SoakReport.Outage> outages = new ArrayList<>(outages());
        outages.add(new SoakReport.Outage(210_003, 213_500, "PostgreSQL restarted at 2026-12-04T17:47:58Z"));
        List<LoadClients.Failure> failures = List.of(
                new LoadClients.Failure(213_000, 213_090, "fetch-orders", "t", "500 terminating connection due to administrator command"),
                new LoadClients.Failure(240_000, 240_050, "fetch-orders", "t", "500 later, with everything up"));
        SoakReport report = new SoakReport(PLAN, samples(SoakReportTest::steady), outages, 8000, 2, failures,
                Duration.ofSeconds(10), 0, new LinkedHashMap<>(), Map.of());
        assertThat(report.failuresCounted()).extracting(LoadClients.Failure::outcome).containsExactly("500 later, with everything up");
        assertThat(report.markdown("x.png"))
                .contains("- **not the soak's**: PostgreSQL restarted at 2026-12-04T17:47:58Z (between 3:30 and 3:34)")
                .contains("fault proxies): 0:35–0:45, 1:35–1:45, 2:35–2:45, 3:35–3:45, 4:35–4:45\n");
    }

    @Test
    void anUnreadableSampleAndAnIntervalWithoutSuccessFailTheRun() {
        List<SoakReport.Sample> samples = samples(SoakReportTest::steady);
        SoakReport.Sample third = samples.get(3);
        samples.set(3, new SoakReport.Sample(third.plannedMs(), third.atMs(), null, 0, 40, "java.io.IOException: gone"));
        assertThat(report(samples, List.of()).problems()).containsExactly(
                "the sample at 1:30 could not be read: java.io.IOException: gone",
                "no request succeeded between 1:00 and 1:30");
    }

    @Test
    void theExecutorsThreadsAreShownButNotJudged() {
        SoakReport report = report(samples(t -> {
            Probe.Reading r = steady(t);
            return new Probe.Reading(r.heapAfterGcBytes(), r.threads(), (int) (8 + t / 10_000), r.fileDescriptors(),
                    r.postgresConnections(), r.redisConnections());
        }), List.of());
        assertThat(report.flatness().get(SoakReport.Series.EXECUTOR_THREADS).flat()).isFalse();
        assertThat(report.problems()).isEmpty();
        assertThat(report.markdown("x.png")).contains("| of which Liberty's default executor |").contains("(not judged)");
    }

    @Test
    void theSeriesAreWrittenAsCsvAndTheSectionReplacesOnlyItsOwnPartOfTheDocument(@TempDir Path dir) throws Exception {
        SoakReport report = report(samples(SoakReportTest::steady), List.of());
        assertThat(report.csv()).startsWith("seconds,phase,heap_after_gc_mib,threads,executor_threads,file_descriptors,"
                + "postgresql_connections,redis_connections,requests_ok,requests_failed\n0.0,warm-up,60.0,50,8,160,9,1,0,0\n");
        assertThat(report.csv().lines()).hasSize(12).last().asString().startsWith("300.0,measured,");

        Path doc = dir.resolve("reliability.md");
        Files.writeString(doc, "# Reliability\n\n## Failures\n\nkept\n\n## Soak\n\nmethod, kept\n\n" + SoakReport.BEGIN
                + "\nold results\n" + SoakReport.END + "\n\n## After\n\nkept too\n");
        String section = report.markdown("reliability-soak.png");
        SoakReport.updateDoc(doc, section);
        String text = Files.readString(doc);
        assertThat(text).startsWith("# Reliability\n\n## Failures\n\nkept\n\n## Soak\n\nmethod, kept\n\n" + section)
                .endsWith("\n## After\n\nkept too\n").doesNotContain("old results");
        assertThat(section).contains("**Passed:**").contains("![Soak").contains("(reliability-soak.png)")
                .contains("- outages (PostgreSQL and Redis down through their fault proxies): 0:35–0:45, 1:35–1:45, 2:35–2:45,");
        SoakReport.updateDoc(doc, section);
        assertThat(Files.readString(doc)).isEqualTo(text);

        Path none = dir.resolve("new.md");
        SoakReport.updateDoc(none, section);
        assertThat(Files.readString(none)).isEqualTo("# Reliability\n\n## Soak results\n\n" + section);
    }

    @Test
    void theChartIsDrawn(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("soak.png");
        report(samples(SoakReportTest::steady), List.of()).chart(png);
        assertThat(png).isNotEmptyFile();
    }
}
