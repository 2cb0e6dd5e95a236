package io.nebula.resource;

import java.util.Objects;

/**
 * One thing wrong with the configuration: the full key (e.g. {@code nebula.resource.orders-db.pool.max-size})
 * and what is wrong with it, including the allowed values. Never holds a secret value.
 */
public record ConfigProblem(String key, String message) {

    public ConfigProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return key + ": " + message;
    }
}
