package io.nebula.resource.core;

import io.nebula.resource.Lease;
import io.nebula.resource.spi.ConnectionEvents;
import io.nebula.resource.spi.ConnectionPoolFigures;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection pools inside a pool's instances ({@code ResourceProvider.connectionPool}, a JDBC data source) are
 * where telemetry reads them from the moment the instance is made until it is destroyed, and each is told of the one
 * listener telemetry gives, whether it came before the instance or after; a telemetry that was replaced cannot take
 * the listener of the one that replaced it away.
 */
class ConnectionPoolsTest {

    /** What an instance's connection pool was told, as a JDBC data source would keep it. */
    static final class Figures implements ConnectionPoolFigures {
        volatile ConnectionEvents events;
        final List<ConnectionEvents> told = new CopyOnWriteArrayList<>();

        @Override public long idle() { return 1; }
        @Override public long used() { return 0; }
        @Override public long pending() { return 0; }
        @Override public int minIdle() { return 0; }
        @Override public int maxIdle() { return 2; }
        @Override public int max() { return 2; }
        @Override public long timeouts() { return 0; }

        @Override
        public void listen(ConnectionEvents listener) {
            events = listener;
            told.add(listener);
        }
    }

    /** A fake provider whose every instance is a connection pool of its own. */
    static final class Pooling extends FakeProvider {
        final Map<Conn, Figures> figures = new ConcurrentHashMap<>();

        Pooling(Topology topology) {
            super(topology);
        }

        @Override
        public Optional<ConnectionPoolFigures> connectionPool(Conn instance) {
            return Optional.of(figures.computeIfAbsent(instance, i -> new Figures()));
        }
    }

    private final ConnectionPools connections = new ConnectionPools();
    private final List<ResourcePool<?>> pools = new ArrayList<>();

    private ResourcePool<FakeProvider.Conn> pool(FakeProvider provider) {
        ResourcePool<FakeProvider.Conn> pool = ResourcePool.builder(provider, Pools.settings("orders-db"))
                .ticker(new FakeTicker()).connections(connections).build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void close() {
        pools.forEach(ResourcePool::close);
    }

    @Test
    void anInstancesFiguresAreReadFromItsCreationToItsDestruction() {
        Pooling provider = new Pooling(Topology.POOLED);
        ResourcePool<FakeProvider.Conn> pool = pool(provider);
        ConnectionEvents early = new ConnectionEvents() {
        };
        connections.listen(early);
        FakeProvider.Conn instance;
        try (Lease<FakeProvider.Conn> lease = pool.acquire()) {
            instance = lease.get();
            Figures figures = provider.figures.get(instance);
            assertThat(connections.live()).containsExactly(figures);
            assertThat(figures.events).as("a listener given before the instance was made").isSameAs(early);
            lease.invalidate();
        }
        await("destroyed").atMost(Duration.ofSeconds(5)).until(() -> provider.destroyed.contains(instance));
        assertThat(connections.live()).as("a destroyed instance's connections are no longer the pool's").isEmpty();
        assertThat(provider.figures.get(instance).events).as("and it is told nobody listens").isNull();
    }

    @Test
    void aReplacedTelemetryCannotStopItsSuccessorsListener() {
        Pooling provider = new Pooling(Topology.RESIDENT);
        ResourcePool<FakeProvider.Conn> pool = pool(provider);
        Figures figures;
        try (Lease<FakeProvider.Conn> lease = pool.acquire()) {
            figures = provider.figures.get(lease.get());
        }
        assertThat(figures.events).as("nobody listens yet").isNull();
        ConnectionEvents before = new ConnectionEvents() {
        };
        ConnectionEvents after = new ConnectionEvents() {
        };
        connections.listen(before);
        connections.listen(after); // the telemetry changed: the new one listens first, then the old one closes
        connections.stopListening(before);
        assertThat(figures.events).isSameAs(after);

        connections.stopListening(after);
        assertThat(figures.events).isNull();
        assertThat(figures.told).containsExactly(before, after, null);
    }
}
