package io.nebula.resource.core;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ResourceProvider;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** What a pool is assembled from; keeps the pool constructors short. */
record PoolContext<R>(ResourceProvider<R> provider, ResourceSettings settings, PoolConfig config, Ticker ticker,
                      Listeners listeners, ScheduledExecutorService scheduler, Executor creator,
                      ConnectionPools connections, io.nebula.resource.spi.InstanceBudget instances,
                      ProbeClaim probeClaim) {
}
