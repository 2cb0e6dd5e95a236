package io.nebula.resource.benchmarks.nebula;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The telemetry an application runs with, as a CDI producer of {@code OpenTelemetry} (what MP Telemetry
 * or SmallRye OpenTelemetry give an application). The SDK collects and processes everything as in
 * production; only the exporters discard, so no network and no collector is measured.
 */
public final class OpenTelemetrySetup {

    /** Nebula's metrics and spans the exporters received: proof that the telemetry was on. */
    private static final AtomicLong NEBULA_METRICS = new AtomicLong();
    private static final AtomicLong NEBULA_SPANS = new AtomicLong();

    private OpenTelemetrySetup() {
    }

    /** How many {@code nebula.resource.*} metric points were exported so far (they are, when the SDK closes). */
    public static long nebulaMetricsExported() {
        return NEBULA_METRICS.get();
    }

    /** How many {@code nebula.resource.*} spans were exported so far. */
    public static long nebulaSpansExported() {
        return NEBULA_SPANS.get();
    }

    /** The OpenTelemetry SDK with metrics, read every 10 s by a periodic reader, and no tracer. */
    @ApplicationScoped
    public static class Metrics {
        @Produces
        @ApplicationScoped
        OpenTelemetry openTelemetry() {
            return OpenTelemetrySdk.builder().setMeterProvider(meters()).build();
        }

        void close(@Disposes OpenTelemetry openTelemetry) {
            ((OpenTelemetrySdk) openTelemetry).close();
        }
    }

    /** Metrics as above, and every span sampled, batched and exported (to nowhere). */
    @ApplicationScoped
    public static class MetricsAndTracing {
        @Produces
        @ApplicationScoped
        OpenTelemetry openTelemetry() {
            return OpenTelemetrySdk.builder()
                    .setMeterProvider(meters())
                    .setTracerProvider(SdkTracerProvider.builder()
                            .setSampler(Sampler.alwaysOn())
                            .addSpanProcessor(BatchSpanProcessor.builder(new DiscardingSpans()).build())
                            .build())
                    .build();
        }

        void close(@Disposes OpenTelemetry openTelemetry) {
            ((OpenTelemetrySdk) openTelemetry).close();
        }
    }

    private static SdkMeterProvider meters() {
        return SdkMeterProvider.builder()
                .registerMetricReader(PeriodicMetricReader.builder(new DiscardingMetrics())
                        .setInterval(Duration.ofSeconds(10)).build())
                .build();
    }

    private static final class DiscardingMetrics implements MetricExporter {
        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            NEBULA_METRICS.addAndGet(metrics.stream().filter(m -> m.getName().startsWith("nebula.resource")).count());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }
    }

    private static final class DiscardingSpans implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            NEBULA_SPANS.addAndGet(spans.stream().filter(span -> span.getName().startsWith("nebula.resource")).count());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
