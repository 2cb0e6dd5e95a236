package io.nebula.resource.provider.jdbc;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import java.util.Collection;

/**
 * An OpenTelemetry whose metrics an in-memory SDK reader collects, offered to the application as a CDI bean (as MP
 * Telemetry offers its {@code OpenTelemetry}); no tracer, so acquisitions pay for no span. {@link #reset()} before
 * each test's container starts.
 */
final class InMemoryTelemetry {

    private static InMemoryMetricReader reader;
    private static SdkMeterProvider meters;

    private InMemoryTelemetry() {
    }

    static void reset() {
        if (meters != null) {
            meters.close();
        }
        reader = InMemoryMetricReader.create();
        meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    }

    static Collection<MetricData> collect() {
        return reader.collectAllMetrics();
    }

    /** A fresh SDK before each test, before its container starts: put it before {@code @NebulaWeldTest}. */
    static final class Reset implements org.junit.jupiter.api.extension.BeforeEachCallback {
        @Override
        public void beforeEach(org.junit.jupiter.api.extension.ExtensionContext context) {
            reset();
        }
    }

    /** The application's {@code OpenTelemetry} bean. */
    @Dependent
    static class Producer {
        @Produces
        OpenTelemetry openTelemetry() {
            SdkMeterProvider m = meters;
            return new OpenTelemetry() {
                @Override
                public TracerProvider getTracerProvider() {
                    return TracerProvider.noop();
                }

                @Override
                public io.opentelemetry.api.metrics.MeterProvider getMeterProvider() {
                    return m;
                }

                @Override
                public ContextPropagators getPropagators() {
                    return ContextPropagators.noop();
                }
            };
        }
    }
}
