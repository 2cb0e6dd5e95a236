package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.BackendSignal;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A provider of {@link Conn}s that counts everything and fails on command. */
class FakeProvider implements ResourceProvider<FakeProvider.Conn> {

    /** One fake connection. */
    static final class Conn {
        final int id;
        final String endpoint;
        final String url;
        volatile boolean broken;
        volatile boolean destroyed;
        final AtomicInteger users = new AtomicInteger();

        Conn(int id, String endpoint, String url) {
            this.id = id;
            this.endpoint = endpoint;
            this.url = url;
        }

        @Override
        public String toString() {
            return "Conn" + id + (endpoint == null ? "" : "@" + endpoint);
        }
    }

    private final Topology topology;
    final AtomicInteger ids = new AtomicInteger();
    final Set<Conn> created = ConcurrentHashMap.newKeySet();
    final Set<Conn> destroyed = ConcurrentHashMap.newKeySet();
    final List<Conn> checked = new CopyOnWriteArrayList<>();
    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger maxLive = new AtomicInteger();
    final AtomicInteger creations = new AtomicInteger();
    final AtomicInteger shutdowns = new AtomicInteger();
    final AtomicInteger concurrentCreations = new AtomicInteger();
    final AtomicInteger maxConcurrentCreations = new AtomicInteger();
    volatile Exception failure;
    volatile boolean retryable = true;
    volatile boolean recyclable = true;
    volatile long createMillis;
    volatile double failureRate;
    /** Runs inside each check, while the instance is being checked. */
    volatile Runnable duringCheck;
    /** Endpoints that refuse connections: creating against one fails, checks of its instances answer DOWN. */
    final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    /** What each instance was given to report what it observes of the backend by itself. */
    final Map<Conn, BackendSignal> signals = new ConcurrentHashMap<>();

    FakeProvider() {
        this(Topology.POOLED);
    }

    FakeProvider(Topology topology) {
        this.topology = topology;
    }

    @Override
    public String kind() {
        return "fake";
    }

    @Override
    public Class<Conn> type() {
        return Conn.class;
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public Conn create(ResourceSettings settings) throws Exception {
        creations.incrementAndGet();
        maxConcurrentCreations.accumulateAndGet(concurrentCreations.incrementAndGet(), Math::max);
        try {
            if (createMillis > 0) {
                Thread.sleep(createMillis);
            }
        } finally {
            concurrentCreations.decrementAndGet();
        }
        Exception f = failure;
        if (f != null) {
            throw f;
        }
        String endpoint = settings.string("endpoint").orElse(null);
        if (endpoint != null && unreachable.contains(endpoint)) {
            throw new java.net.ConnectException("Connection refused: " + endpoint);
        }
        if (failureRate > 0 && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < failureRate) {
            throw new java.net.ConnectException("random failure");
        }
        Conn c = new Conn(ids.incrementAndGet(), settings.string("endpoint").orElse(null),
                settings.string("url").orElse(null));
        int n = live.incrementAndGet();
        maxLive.accumulateAndGet(n, Math::max);
        created.add(c);
        return c;
    }

    @Override
    public HealthStatus check(Conn instance, CheckDepth depth) {
        checked.add(instance);
        Runnable during = duringCheck;
        if (during != null) {
            during.run();
        }
        return instance.broken || (instance.endpoint != null && unreachable.contains(instance.endpoint))
                ? HealthStatus.down("broken") : HealthStatus.up();
    }

    @Override
    public void reportTo(Conn instance, BackendSignal signal) {
        signals.put(instance, signal);
    }

    @Override
    public boolean recycle(Conn instance) {
        return recyclable;
    }

    @Override
    public void destroy(Conn instance) {
        if (!destroyed.add(instance)) {
            throw new AssertionError(instance + " destroyed twice");
        }
        instance.destroyed = true;
        live.decrementAndGet();
    }

    @Override
    public void shutdown(ResourceSettings settings) {
        shutdowns.incrementAndGet();
    }

    @Override
    public boolean isRetryable(Throwable error) {
        return retryable;
    }
}
