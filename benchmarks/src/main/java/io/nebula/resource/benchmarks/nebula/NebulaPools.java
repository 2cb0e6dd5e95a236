package io.nebula.resource.benchmarks.nebula;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.spi.ResourceProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Nebula's core pools as the benchmarks use them, configured through the same {@code pool.*} keys an
 * application writes, with everything else at its default.
 */
public final class NebulaPools {

    private NebulaPools() {
    }

    /**
     * A started pool of exactly {@code size} instances, all created before it is returned, so that every
     * acquisition after this is a hit.
     */
    public static <R> ResourcePool<R> full(String name, ResourceProvider<R> provider, int size, PoolListener... listeners) {
        ResourcePool<R> pool = build(name, provider, Map.of(
                "pool.min-size", String.valueOf(size),
                "pool.max-size", String.valueOf(size),
                "pool.acquire-timeout", "30s"), listeners);
        pool.start();
        List<Lease<R>> held = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            held.add(pool.acquire());
        }
        held.forEach(Lease::close);
        return pool;
    }

    /** A started, empty pool that keeps nothing idle it does not have to: min 0, lazy. */
    public static <R> ResourcePool<R> empty(String name, ResourceProvider<R> provider, int maxSize) {
        ResourcePool<R> pool = build(name, provider, Map.of(
                "pool.min-size", "0",
                "pool.max-size", String.valueOf(maxSize),
                "pool.acquire-timeout", "30s"));
        pool.start();
        return pool;
    }

    private static <R> ResourcePool<R> build(String name, ResourceProvider<R> provider, Map<String, String> keys,
                                             PoolListener... listeners) {
        ResourceSettings settings = ResourceSettings.of(name, provider.kind(), keys);
        ResourcePool.Builder<R> builder = ResourcePool.builder(provider, settings);
        for (PoolListener listener : listeners) {
            builder.listener(listener);
        }
        return builder.build();
    }
}
