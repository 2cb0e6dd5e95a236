package io.nebula.resource.cdi.integration.otel;

import io.nebula.resource.cdi.testing.TestTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A cluster call Redis did not answer, as its span (the answered one is tested on Redis: ClusterTelemetryOnWeldTest). */
class ClusterCallSpanTest {

    @Test
    void aCallRedisDidNotAnswerIsAnErrorSpanUnderTheAcquisitionLastingTheCall() {
        TestTelemetry.reset();
        Tracer tracer = TestTelemetry.openTelemetry().getTracer("test");
        Span acquisition = tracer.spanBuilder("nebula.resource.acquire store").startSpan();
        try (Scope ignored = acquisition.makeCurrent()) {
            ClusterInstruments.callSpan(tracer, "a", "take", 50_000_000L, false);
        } finally {
            acquisition.end();
        }

        SpanData call = TestTelemetry.spans().stream().filter(s -> s.getName().equals("nebula.cluster take"))
                .findFirst().orElseThrow();
        assertThat(call.getParentSpanId()).isEqualTo(acquisition.getSpanContext().getSpanId());
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getStatus().getDescription()).isEqualTo("no answer within nebula.cluster.redis-timeout");
        assertThat(call.getEndEpochNanos() - call.getStartEpochNanos()).isEqualTo(50_000_000L);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("nebula.cluster.operation"))).isEqualTo("take");
    }
}
