package io.nebula.resource.benchmarks.soak;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When the soak samples and when its backends go down. */
class SoakPlanTest {

    private static SoakPlan plan(String duration, String period, String outage) {
        return new SoakPlan(SoakPlan.parseDuration("duration", duration), SoakPlan.parseDuration("period", period),
                SoakPlan.parseDuration("outage", outage), Duration.ofSeconds(30), SoakPlan.parseDuration("period", period), 4, 4, 5);
    }

    @Test
    void thirtyMinutesHaveSixOutagesEachBetweenTwoSamplesAndSixtyOneSamples() {
        SoakPlan plan = plan("30m", "5m", "10s");
        assertThat(plan.outages()).extracting(SoakPlan.Window::startMs)
                .containsExactly(155_000L, 455_000L, 755_000L, 1_055_000L, 1_355_000L, 1_655_000L);
        assertThat(plan.outages()).allSatisfy(w -> assertThat(w.endMs() - w.startMs()).isEqualTo(10_000));
        assertThat(plan.sampleTimes()).hasSize(61).startsWith(0L, 30_000L).endsWith(1_800_000L);
        assertThat(plan.warmUp()).isEqualTo(Duration.ofMinutes(5));
        for (SoakPlan.Window w : plan.outages()) {
            assertThat(plan.sampleTimes()).noneMatch(t -> t >= w.startMs() && t < w.endMs() + SoakPlan.SETTLE_SECONDS * 1000L);
        }
    }

    @Test
    void theFiveMinuteVersionHasFiveOutages() {
        assertThat(plan("5m", "1m", "10s").outages()).extracting(SoakPlan.Window::startMs)
                .containsExactly(35_000L, 95_000L, 155_000L, 215_000L, 275_000L);
    }

    @Test
    void aPlanThatWouldSampleDuringAnOutageOrAfterTooShortARunIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> plan("30m", "5m", "20s")).hasMessageContaining("--outage=20s");
        assertThatThrownBy(() -> plan("30m", "50s", "10s")).hasMessageContaining("--period=50s");
        assertThatThrownBy(() -> plan("1m", "1m", "10s")).hasMessageContaining("--duration=1m");
        assertThatThrownBy(() -> SoakPlan.parseDuration("sample", "30 seconds")).hasMessageContaining("--sample=30 seconds");
        assertThatThrownBy(() -> new SoakPlan(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(30), 4, 4, 5)).hasMessageContaining("--warm-up=30s");
        assertThatThrownBy(() -> new SoakPlan(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(270), 4, 4, 5)).hasMessageContaining("--warm-up=4m30s");
    }

    @Test
    void durationsAreWrittenAsTheyAreTyped() {
        for (String text : List.of("30m", "5m", "10s", "1h", "1m30s", "500ms")) {
            assertThat(SoakPlan.format(SoakPlan.parseDuration("x", text.equals("1m30s") ? "90s" : text))).isEqualTo(text);
        }
    }
}
