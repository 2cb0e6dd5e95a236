package io.nebula.resource.core;

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

    @Override
    public String toString() {
        return name + ":" + weight;
    }
}
