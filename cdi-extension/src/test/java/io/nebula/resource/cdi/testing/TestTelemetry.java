package io.nebula.resource.cdi.testing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Collection;
import java.util.List;

/**
 * An OpenTelemetry SDK that keeps what it records in memory, offered to the application as a CDI bean (as MP
 * Telemetry offers its {@code OpenTelemetry}). Add {@link Producer} as a bean, and {@code @ExtendWith(TestTelemetry.Reset.class)}
 * before {@code @NebulaWeldTest}, so each test's container finds a fresh SDK.
 */
public final class TestTelemetry {

    private static InMemorySpanExporter spans;
    private static InMemoryMetricReader metrics;
    private static OpenTelemetrySdk sdk;

    private TestTelemetry() {
    }

    public static void reset() {
        if (sdk != null) {
            sdk.close();
        }
        spans = InMemorySpanExporter.create();
        metrics = InMemoryMetricReader.create();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build();
    }

    public static OpenTelemetry openTelemetry() {
        return sdk;
    }

    public static List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    public static Collection<MetricData> metrics() {
        return metrics.collectAllMetrics();
    }

    /** The application's {@code OpenTelemetry} bean. */
    @Dependent
    public static class Producer {
        @Produces
        OpenTelemetry openTelemetry() {
            return sdk;
        }
    }

    /** A fresh SDK before each test, before the container starts. */
    public static final class Reset implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            reset();
        }
    }
}
