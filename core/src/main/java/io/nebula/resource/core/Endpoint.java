package io.nebula.resource.core;

import io.nebula.resource.ResourceSettings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One backend of a resource with several ({@code pool.endpoints=primary:3,replica-1:1}): instances are
 * created against each endpoint and handed out in proportion to the weights.
 *
 * <p>The provider sees an endpoint as ordinary settings: the keys under {@code endpoints.<name>.}
 * replace the resource's own keys ({@code endpoints.replica-1.url} becomes {@code url}), and the key
 * {@code endpoint} holds the endpoint's name.
 */
public record Endpoint(String name, int weight) {

    public Endpoint {
        Objects.requireNonNull(name, "name");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1, was " + weight);
        }
    }

    /**
     * Each endpoint's settings, as its instances are created with: the resource's keys, overridden by those
     * under {@code endpoints.<e>.}, plus {@code endpoint=<e>}; the resource's own settings alone without endpoints.
     */
    static ResourceSettings[] settingsOf(ResourceSettings settings, List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            return new ResourceSettings[] {settings};
        }
        ResourceSettings[] result = new ResourceSettings[endpoints.size()];
        for (int i = 0; i < result.length; i++) {
            String prefix = "endpoints." + endpoints.get(i).name() + ".";
            Map<String, String> overrides = new HashMap<>();
            settings.asMap().forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    overrides.put(k.substring(prefix.length()), v);
                }
            });
            overrides.put("endpoint", endpoints.get(i).name());
            result[i] = settings.withAll(overrides);
        }
        return result;
    }

    @Override
    public String toString() {
        return name + ":" + weight;
    }
}
