package io.nebula.resource.core;

import io.nebula.resource.spi.PoolStrategy;

import java.util.List;

/** What a pool tells its {@link PoolStrategy} of itself; the engine's own strategies also read its configuration. */
record StrategyPool(String resource, List<String> endpoints, PoolConfig config) implements PoolStrategy.Pool {

    static StrategyPool of(String resource, PoolConfig config) {
        return new StrategyPool(resource, config.endpoints().stream().map(Endpoint::name).toList(), config);
    }

    @Override
    public int weight(int endpoint) {
        return config.endpoints().isEmpty() ? 1 : config.endpoints().get(endpoint).weight();
    }

    @Override
    public String toString() {
        return "pool of '" + resource + "'";
    }
}
