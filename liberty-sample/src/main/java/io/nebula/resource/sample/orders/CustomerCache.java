package io.nebula.resource.sample.orders;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.Resources;
import io.nebula.resource.sample.cache.LocalCache;
import io.nebula.resource.sample.cache.LocalCacheProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Optional;

/**
 * Customer names, cached in the {@code cache} resource in front of the orders database. The resource
 * is an in-process {@link LocalCache} by default and Redis in the services profile: the two make
 * different types, so this bean asks for the one the configured kind makes, instead of injecting one
 * type that only one configuration could satisfy.
 */
@ApplicationScoped
public class CustomerCache {

    static final String RESOURCE = "cache";
    static final Duration TTL = Duration.ofMinutes(10);

    @Inject
    Resources resources;

    Optional<String> name(String customerId) {
        String key = key(customerId);
        return isRedis() ? Optional.ofNullable(redis().get(key)) : local().get(key);
    }

    void remember(String customerId, String name) {
        String key = key(customerId);
        if (isRedis()) {
            redis().set(key, name, SetArgs.Builder.ex(TTL));
        } else {
            local().put(key, name);
        }
    }

    /** The configured kind of the {@code cache} resource. */
    String kind() {
        return resources.find(RESOURCE).map(ManagedResource::kind).orElse(LocalCacheProvider.KIND);
    }

    private boolean isRedis() {
        return kind().startsWith("redis");
    }

    private LocalCache local() {
        return resources.get(RESOURCE, LocalCache.class);
    }

    @SuppressWarnings("unchecked")
    private RedisCommands<String, String> redis() {
        return resources.get(RESOURCE, RedisCommands.class);
    }

    private static String key(String customerId) {
        return "nebula-sample:customer:" + customerId;
    }
}
