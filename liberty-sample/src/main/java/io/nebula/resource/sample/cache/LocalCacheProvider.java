package io.nebula.resource.sample.cache;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code local-cache} kind: an in-process {@link LocalCache}, so the sample runs with no cache
 * server. Shows what a custom provider takes: a kind, a type, create / check / destroy, and its own
 * keys validated up front. Registered in {@code META-INF/services/io.nebula.resource.spi.ResourceProvider}.
 *
 * <pre>
 * nebula.resource.cache.kind=local-cache
 * nebula.resource.cache.max-entries=1000     # default 10000
 * </pre>
 */
public final class LocalCacheProvider implements ResourceProvider<LocalCache> {

    public static final String KIND = "local-cache";
    static final String MAX_ENTRIES = "max-entries";
    static final int DEFAULT_MAX_ENTRIES = 10_000;
    private static final String PROBE_KEY = "nebula.health.probe";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<LocalCache> type() {
        return LocalCache.class;
    }

    /** A map is thread-safe: one instance serves every lease. */
    @Override
    public Topology topology() {
        return Topology.RESIDENT;
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        Integer max = problems.read(() -> settings.intValue(MAX_ENTRIES, DEFAULT_MAX_ENTRIES));
        if (max != null && max < 1) {
            problems.add(settings.keyOf(MAX_ENTRIES), "must be at least 1, was " + max);
        }
        return problems.list();
    }

    @Override
    public LocalCache create(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems().addAll(validate(settings));
        problems.throwIfAny();
        return new MapCache(settings.name(), settings.intValue(MAX_ENTRIES, DEFAULT_MAX_ENTRIES));
    }

    /** Shallow: the cache is open. Deep: a value written can be read back and removed. */
    @Override
    public HealthStatus check(LocalCache instance, CheckDepth depth) {
        if (instance instanceof MapCache map && map.isClosed()) {
            return HealthStatus.down("cache is closed");
        }
        try {
            if (depth == CheckDepth.DEEP) {
                String token = Long.toString(System.nanoTime());
                instance.put(PROBE_KEY, token);
                Optional<String> back = instance.get(PROBE_KEY);
                instance.remove(PROBE_KEY);
                if (!back.filter(token::equals).isPresent()) {
                    return HealthStatus.down("a value written to the cache could not be read back");
                }
            }
            return HealthStatus.up(Map.of("entries", instance.size(), "maxEntries", instance.maxEntries()));
        } catch (RuntimeException e) {
            return HealthStatus.down(e);
        }
    }

    @Override
    public void destroy(LocalCache instance) {
        if (instance instanceof MapCache map) {
            map.close();
        }
    }

    /** Only a closed cache is broken; a bad argument leaves it usable. */
    @Override
    public boolean isFatal(Throwable error) {
        return error instanceof CacheClosedException;
    }
}
