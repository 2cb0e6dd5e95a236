package io.nebula.resource.core.tenant;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.Ticker;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.pipeline.WovenPoolBuilder;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Test fixtures: a provider of connections that remember the tenant settings they were made from, and a fake clock. */
final class Tenants {

    private Tenants() {
    }

    /** One fake connection, made from one tenant pool's settings. */
    static final class Conn {
        final String tenant;
        final String url;
        final AtomicInteger users = new AtomicInteger();
        volatile boolean destroyed;

        Conn(String tenant, String url) {
            this.tenant = tenant;
            this.url = url;
        }
    }

    /** Counts live instances over all tenants, as a database would count sessions. */
    static final class Provider implements ResourceProvider<Conn> {
        final Set<Conn> live = ConcurrentHashMap.newKeySet();
        final AtomicInteger maxLive = new AtomicInteger();
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger shutdowns = new AtomicInteger();

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public Class<Conn> type() {
            return Conn.class;
        }

        @Override
        public Conn create(ResourceSettings settings) {
            Conn c = new Conn(settings.string("tenant").orElse(null), settings.string("url").orElse(null));
            live.add(c);
            created.incrementAndGet();
            maxLive.accumulateAndGet(live.size(), Math::max);
            return c;
        }

        @Override
        public HealthStatus check(Conn instance, CheckDepth depth) {
            return HealthStatus.up();
        }

        @Override
        public void destroy(Conn instance) {
            instance.destroyed = true;
            live.remove(instance);
        }

        @Override
        public void shutdown(ResourceSettings settings) {
            shutdowns.incrementAndGet();
        }
    }

    static final class FakeTicker implements Ticker {
        private final AtomicLong now = new AtomicLong(5_000_000_000L);

        @Override
        public long nanoTime() {
            return now.get();
        }

        void advance(Duration d) {
            now.addAndGet(d.toNanos());
        }
    }

    static ResourceSettings settings(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("url", "fake://db/{tenant}");
        m.put("pool.drain-grace", "0"); // the fake clock never moves on its own: a drain must not wait on it
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return ResourceSettings.of("orders-db", "fake", m);
    }

    /**
     * Woven pools, as the CDI extension makes them, with the tenant's quota in their pipeline; they create on the
     * calling thread, so the tests stay deterministic.
     */
    static TenantPools.PoolFactory<Conn> pools(Provider provider, Ticker ticker) {
        return (s, quota) -> {
            WovenPoolBuilder<Conn> pool = WovenPool.builder(provider, s).ticker(ticker).creator(Runnable::run);
            return (quota == null ? pool : pool.admission(quota)).build();
        };
    }
}
