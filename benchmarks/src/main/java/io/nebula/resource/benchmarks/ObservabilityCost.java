package io.nebula.resource.benchmarks;

import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.benchmarks.nebula.Container;
import io.nebula.resource.benchmarks.nebula.OpenTelemetrySetup;
import io.nebula.resource.benchmarks.stub.StubDriver;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.WeldContainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Suite 2, the price of observability: the Nebula cycle in a CDI application with no OpenTelemetry SDK
 * (the API alone, which counts as absent), with the SDK and metrics, and with metrics and every span
 * sampled. Two cycles: a pooled resource through {@code Resources.acquire} and {@code Lease.close}, and
 * {@code getConnection()/close()} on an injected JDBC {@code DataSource} (stub driver). Both go through the
 * extension's acquisition chain (tracing, metrics, quarantine, circuit breaker, retry) at its defaults.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ObservabilityCost {

    /** Which OpenTelemetry the application has. */
    public enum Telemetry {
        /** The API on the class path, no SDK: {@code GlobalOpenTelemetry} is a no-op, Nebula reports nowhere. */
        NONE,
        /** The SDK with a meter provider (periodic reader, 10 s). */
        METRICS,
        /**
         * As {@link #METRICS}, with {@code nebula.telemetry.semconv=true}: the JDBC resource's connections also
         * report {@code db.client.connection.*}, their wait and use timed on every hit.
         */
        METRICS_SEMCONV,
        /** The SDK with metrics and a tracer provider sampling every span (batch processor). */
        METRICS_AND_TRACING
    }

    private static final String SEMCONV = "nebula.telemetry.semconv";

    @Param
    public Telemetry telemetry;

    /** The application bean. */
    @Dependent
    public static class Application {
        @Inject
        Resources resources;
        @Inject
        @NebulaResource("db")
        DataSource db;
    }

    private WeldContainer container;
    private Application app;

    @Setup
    public void boot() throws SQLException {
        List<Class<?>> beans = new ArrayList<>(List.of(Application.class));
        switch (telemetry) {
            case METRICS, METRICS_SEMCONV -> beans.add(OpenTelemetrySetup.Metrics.class);
            case METRICS_AND_TRACING -> beans.add(OpenTelemetrySetup.MetricsAndTracing.class);
            default -> {
            }
        }
        if (telemetry == Telemetry.METRICS_SEMCONV) {
            System.setProperty(SEMCONV, "true");
        } else {
            System.clearProperty(SEMCONV);
        }
        container = Container.boot(Map.of(
                "widgets", Map.of("kind", "benchmark-widget", "pool.min-size", "1", "pool.max-size", "1"),
                "db", Map.of("kind", "benchmark-stub", "url", StubDriver.URL, "pool.min-size", "1", "pool.max-size", "1")),
                beans.toArray(new Class<?>[0]));
        app = container.select(Application.class).get();
        widgets();
        connection();
    }

    /** Closing the container closes the SDK, which exports what it holds: the telemetry must have seen Nebula. */
    @TearDown
    public void shutdown() {
        container.shutdown();
        long metrics = OpenTelemetrySetup.nebulaMetricsExported();
        long spans = OpenTelemetrySetup.nebulaSpansExported();
        boolean metered = telemetry != Telemetry.NONE;
        boolean traced = telemetry == Telemetry.METRICS_AND_TRACING;
        long connections = OpenTelemetrySetup.connectionMetricsExported();
        boolean semconv = telemetry == Telemetry.METRICS_SEMCONV;
        System.clearProperty(SEMCONV);
        if (metered != (metrics > 0) || traced != (spans > 0) || semconv != (connections > 0)) {
            throw new IllegalStateException("telemetry " + telemetry + " but Nebula exported " + metrics
                    + " metrics, " + connections + " db.client.connection metrics and " + spans
                    + " spans: the benchmark did not measure what it says");
        }
    }

    @Benchmark
    public Object widgets() {
        try (Lease<Widget> lease = app.resources.acquire("widgets", Widget.class)) {
            return lease.get();
        }
    }

    @Benchmark
    public Object connection() throws SQLException {
        Connection connection = app.db.getConnection();
        connection.close();
        return connection;
    }
}
