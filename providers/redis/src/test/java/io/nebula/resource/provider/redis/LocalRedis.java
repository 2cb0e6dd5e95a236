package io.nebula.resource.provider.redis;

import io.nebula.resource.ResourceSettings;

import java.util.HashMap;
import java.util.Map;

/** The Redis server the tests use: the local one that {@code .ci/services} starts. */
final class LocalRedis {

    static final String URL = "redis://127.0.0.1:6379/0";

    private LocalRedis() {
    }

    static ResourceSettings settings(String name, String kind, String... keyValues) {
        Map<String, String> values = new HashMap<>();
        values.put("url", URL);
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        values.values().removeIf(v -> v == null);
        return ResourceSettings.of(name, kind, values);
    }
}
