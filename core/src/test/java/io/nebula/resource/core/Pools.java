package io.nebula.resource.core;

import io.nebula.resource.ResourceSettings;

import java.util.HashMap;
import java.util.Map;

/** Test helpers for building pools. */
final class Pools {
    private Pools() {
    }

    /** Settings of a resource from alternating key, value pairs. */
    static ResourceSettings settings(String name, String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return ResourceSettings.of(name, "fake", m);
    }

    /** A pool creating on the calling thread, on a fake clock. */
    static ResourcePool.Builder<FakeProvider.Conn> direct(FakeProvider p, FakeTicker t, String... kv) {
        return ResourcePool.builder(p, settings("orders-db", kv)).ticker(t).creator(Runnable::run);
    }

    /** Runs one round of housekeeping now. */
    static void housekeep(ResourcePool<?> pool) {
        ((AbstractPool<?>) pool).housekeep();
    }
}
