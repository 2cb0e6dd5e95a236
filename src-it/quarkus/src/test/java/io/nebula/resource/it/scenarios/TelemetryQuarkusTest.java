package io.nebula.resource.it.scenarios;

import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.it.support.Channel;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** OpenTelemetry on Quarkus: each acquisition is a span of Quarkus' own SDK, with the resource's attributes. */
@QuarkusTest
@TestProfile(TelemetryQuarkusTest.Own.class)
class TelemetryQuarkusTest {

    /** An application of this class's own: Quarkus restarts for each profile, so no pool is shared between classes. */
    public static class Own implements io.quarkus.test.junit.QuarkusTestProfile {
    }

    /** Quarkus' SDK exports to every {@code SpanExporter} bean. */
    @Singleton
    static class Spans {

        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Inject
    Resources resources;

    @Test
    void eachAcquisitionIsASpanOfQuarkusOpenTelemetry() {
        try (Lease<Channel> lease = resources.acquire("jobs", Channel.class, Duration.ofSeconds(1))) {
            assertThat(lease.get().send("ping")).endsWith(":ping");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> finished = spans.getFinishedSpanItems();
            assertThat(finished).extracting(SpanData::getName).contains("nebula.resource.acquire jobs");
        });
    }
}
