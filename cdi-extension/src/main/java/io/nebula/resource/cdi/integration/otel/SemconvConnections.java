package io.nebula.resource.cdi.integration.otel;

import io.nebula.resource.cdi.integration.telemetry.TenantLabel;
import io.nebula.resource.core.telemetry.PoolView;
import io.nebula.resource.spi.ConnectionEvents;
import io.nebula.resource.spi.ConnectionPoolFigures;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * The OpenTelemetry semantic conventions' {@code db.client.connection.*} instruments, for the resources whose
 * instance is a connection pool of its own (a JDBC resource's Agroal pool, through
 * {@code ResourceProvider.connectionPool}): on with {@code nebula.telemetry.semconv=true}.
 *
 * <p>The counts, sizes and timeouts are observable instruments that read each pool's {@link ConnectionPoolFigures}
 * when the SDK collects; the three durations are histograms the pools' connections record into through the
 * {@link ConnectionEvents} listener each pool is given here, which is what costs the pool's hit path (see
 * docs/observability.md). {@code db.client.connection.pool.name} is the resource, and for a tenant's pool the
 * resource and the tenant ({@code orders-db/acme}), the tenant bounded as the {@code tenant} attribute is
 * ({@link TenantLabel}).
 */
final class SemconvConnections {

    static final AttributeKey<String> POOL_NAME = AttributeKey.stringKey("db.client.connection.pool.name");
    static final AttributeKey<String> STATE = AttributeKey.stringKey("db.client.connection.state");
    /** The semantic conventions' advice for database client durations, in seconds. */
    private static final List<Double> BUCKETS = List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);

    private final TenantLabel tenants;
    private final Set<Pool> pools = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> instruments = new ArrayList<>();
    private final DoubleHistogram createTime;
    private final DoubleHistogram waitTime;
    private final DoubleHistogram useTime;

    SemconvConnections(Meter meter, TenantLabel tenants) {
        this.tenants = tenants;
        createTime = histogram(meter, "db.client.connection.create_time", "The time it took to create a new connection");
        waitTime = histogram(meter, "db.client.connection.wait_time",
                "The time it took to obtain an open connection from the pool");
        useTime = histogram(meter, "db.client.connection.use_time",
                "The time between borrowing a connection and returning it to the pool");
        instruments.add(meter.upDownCounterBuilder("db.client.connection.count").setUnit("{connection}")
                .setDescription("The number of connections that are currently in state described by the state attribute")
                .buildWithCallback(m -> {
                    Map<Attributes, Long> sums = new HashMap<>();
                    pools.forEach(p -> p.each(f -> {
                        sums.merge(p.idle, f.idle(), Long::sum);
                        sums.merge(p.used, f.used(), Long::sum);
                    }));
                    sums.forEach((attributes, n) -> m.record(n, attributes));
                }));
        instruments.add(observed(meter, "db.client.connection.idle.max", "{connection}",
                "The maximum number of idle open connections allowed", ConnectionPoolFigures::maxIdle, true));
        instruments.add(observed(meter, "db.client.connection.idle.min", "{connection}",
                "The minimum number of idle open connections allowed", ConnectionPoolFigures::minIdle, true));
        instruments.add(observed(meter, "db.client.connection.max", "{connection}",
                "The maximum number of open connections allowed", ConnectionPoolFigures::max, true));
        instruments.add(observed(meter, "db.client.connection.pending_requests", "{request}",
                "The number of current pending requests for an open connection", ConnectionPoolFigures::pending, true));
        instruments.add(observed(meter, "db.client.connection.timeouts", "{timeout}",
                "The number of connection timeouts that have occurred trying to obtain a connection from the pool",
                ConnectionPoolFigures::timeouts, false));
    }

    private static DoubleHistogram histogram(Meter meter, String name, String description) {
        return meter.histogramBuilder(name).setUnit("s").setDescription(description)
                .setExplicitBucketBoundariesAdvice(BUCKETS).build();
    }

    /** An up-down counter, or a counter ({@code timeouts}), read from every pool's figures at collection. */
    private AutoCloseable observed(Meter meter, String name, String unit, String description,
                                   ToLongFunction<ConnectionPoolFigures> figure, boolean upDown) {
        java.util.function.Consumer<ObservableLongMeasurement> read = m -> {
            Map<Attributes, Long> sums = new HashMap<>(); // pools past the tenant bound share one name
            pools.forEach(p -> p.each(f -> sums.merge(p.attributes, figure.applyAsLong(f), Long::sum)));
            sums.forEach((attributes, n) -> m.record(n, attributes));
        };
        return upDown
                ? meter.upDownCounterBuilder(name).setUnit(unit).setDescription(description).buildWithCallback(read)
                : meter.counterBuilder(name).setUnit(unit).setDescription(description).buildWithCallback(read);
    }

    /** Reports the connections of {@code view}'s instances, if they have any, until the handle is closed. */
    Runnable add(PoolView view) {
        Pool pool = new Pool(view);
        pools.add(pool);
        view.connections().listen(pool);
        return () -> {
            pools.remove(pool);
            view.connections().stopListening(pool);
        };
    }

    void close() {
        for (AutoCloseable i : instruments) {
            try {
                i.close();
            } catch (Exception ignored) {
                // an instrument that cannot close stops being collected with its SDK
            }
        }
        pools.forEach(p -> p.view.connections().stopListening(p));
        pools.clear();
    }

    /** One pool: its attributes, built once, and the listener its connections record their durations through. */
    private final class Pool implements ConnectionEvents {
        final PoolView view;
        final Attributes attributes;
        final Attributes idle;
        final Attributes used;

        Pool(PoolView view) {
            this.view = view;
            String tenant = tenants.of(view.tenant());
            attributes = Attributes.of(POOL_NAME, tenant == null ? view.resource() : view.resource() + "/" + tenant);
            idle = attributes.toBuilder().put(STATE, "idle").build();
            used = attributes.toBuilder().put(STATE, "used").build();
        }

        void each(java.util.function.Consumer<ConnectionPoolFigures> read) {
            for (ConnectionPoolFigures f : view.connections().live()) {
                read.accept(f);
            }
        }

        @Override
        public void created(long nanos) {
            createTime.record(nanos / 1e9, attributes);
        }

        @Override
        public void waited(long nanos) {
            waitTime.record(nanos / 1e9, attributes);
        }

        @Override
        public void used(long nanos) {
            useTime.record(nanos / 1e9, attributes);
        }
    }
}
