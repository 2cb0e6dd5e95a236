package io.nebula.resource.benchmarks.nebula;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
    /** The semantic conventions' {@code db.client.connection.*} metric points the exporter received. */
    private static final AtomicLong CONNECTION_METRICS = new AtomicLong();
    /** Per resource, the successful acquisitions {@code nebula.resource.acquisitions} reported at its latest export. */
    private static final Map<String, Long> NEBULA_ACQUISITIONS = new ConcurrentHashMap<>();
    private static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("resource");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    /** The latest value of each {@code nebula.cluster.*} counter the exporter received, summed over its points. */
    private static final Map<String, Long> CLUSTER_COUNTS = new ConcurrentHashMap<>();
    /** The meter providers made so far, to export on demand ({@link #exportMetricsNow}). */
    private static final List<SdkMeterProvider> METER_PROVIDERS = new CopyOnWriteArrayList<>();

    private OpenTelemetrySetup() {
    }

    /** How many {@code nebula.resource.*} metric points were exported so far (they are, when the SDK closes). */
    public static long nebulaMetricsExported() {
        return NEBULA_METRICS.get();
    }

    /** How many {@code db.client.connection.*} metric points were exported so far ({@code nebula.telemetry.semconv=true}). */
    public static long connectionMetricsExported() {
        return CONNECTION_METRICS.get();
    }

    /** How many {@code nebula.resource.*} spans were exported so far. */
    public static long nebulaSpansExported() {
        return NEBULA_SPANS.get();
    }

    /**
     * The successful acquisitions of {@code resource} that the SDK exported in {@code nebula.resource.acquisitions}
     * (a cumulative sum) at its latest export, or 0: proof that the acquisitions went through the metered pipeline
     * the SDK reads. An export happens every 10 s, when the SDK closes, and on {@link #exportMetricsNow}.
     */
    public static long nebulaAcquisitionsExported(String resource) {
        return NEBULA_ACQUISITIONS.getOrDefault(resource, 0L);
    }

    /**
     * The latest exported value of a {@code nebula.cluster.*} counter ({@code nebula.cluster.redis.round.trips},
     * {@code nebula.cluster.admitted.alone}), or 0 before its first export.
     */
    public static long clusterCount(String name) {
        return CLUSTER_COUNTS.getOrDefault(name, 0L);
    }

    /** Makes every meter provider made so far export now, and waits for it (up to 10 s). */
    public static void exportMetricsNow() {
        METER_PROVIDERS.forEach(meters -> meters.forceFlush().join(10, TimeUnit.SECONDS));
    }

    /**
     * The OpenTelemetry SDK's metrics, read every 10 s by a periodic reader, and no tracer. Not
     * {@code OpenTelemetrySdk.builder().setMeterProvider(...)}: without a tracer provider of its own that builder
     * adds an {@code SdkTracerProvider} that records every span and exports none, which Nebula (rightly) sees as
     * tracing.
     */
    @ApplicationScoped
    public static class Metrics {
        @Produces
        @ApplicationScoped
        OpenTelemetry openTelemetry() {
            SdkMeterProvider meters = meters();
            return new MetricsOnly(meters);
        }

        void close(@Disposes OpenTelemetry openTelemetry) {
            ((MetricsOnly) openTelemetry).meters.close();
        }
    }

    /** An OpenTelemetry with the SDK's meter provider and the API's no-op tracer provider. */
    private record MetricsOnly(SdkMeterProvider meters) implements OpenTelemetry {
        @Override
        public io.opentelemetry.api.trace.TracerProvider getTracerProvider() {
            return io.opentelemetry.api.trace.TracerProvider.noop();
        }

        @Override
        public io.opentelemetry.api.metrics.MeterProvider getMeterProvider() {
            return meters;
        }

        @Override
        public io.opentelemetry.context.propagation.ContextPropagators getPropagators() {
            return io.opentelemetry.context.propagation.ContextPropagators.noop();
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
        SdkMeterProvider meters = SdkMeterProvider.builder()
                .registerMetricReader(PeriodicMetricReader.builder(new DiscardingMetrics())
                        .setInterval(Duration.ofSeconds(10)).build())
                .build();
        METER_PROVIDERS.add(meters);
        return meters;
    }

    private static final class DiscardingMetrics implements MetricExporter {
        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            NEBULA_METRICS.addAndGet(metrics.stream().filter(m -> m.getName().startsWith("nebula.resource")).count());
            CONNECTION_METRICS.addAndGet(metrics.stream().filter(m -> m.getName().startsWith("db.client.connection.")).count());
            Map<String, Long> succeeded = new HashMap<>();
            metrics.stream().filter(m -> m.getName().equals("nebula.resource.acquisitions") && m.getType() == MetricDataType.LONG_SUM)
                    .flatMap(m -> m.getLongSumData().getPoints().stream())
                    .filter(point -> "success".equals(point.getAttributes().get(OUTCOME)))
                    .forEach(point -> succeeded.merge(String.valueOf(point.getAttributes().get(RESOURCE)), point.getValue(), Long::sum));
            succeeded.forEach((resource, n) -> NEBULA_ACQUISITIONS.merge(resource, n, Math::max));
            metrics.stream().filter(m -> m.getName().startsWith("nebula.cluster.") && m.getType() == MetricDataType.LONG_SUM)
                    .forEach(m -> CLUSTER_COUNTS.put(m.getName(),
                            m.getLongSumData().getPoints().stream().mapToLong(point -> point.getValue()).sum()));
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
