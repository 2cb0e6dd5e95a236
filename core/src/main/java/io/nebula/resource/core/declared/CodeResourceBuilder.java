package io.nebula.resource.core.declared;

import io.nebula.resource.ManagedResource;
import io.nebula.resource.PoolStrategy;
import io.nebula.resource.ResourceBuilder;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceSettings;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/** A resource declared in code; each setter writes the configuration key it stands for, so validation is the configuration's. */
public final class CodeResourceBuilder implements ResourceBuilder {

    private final BiFunction<ResourceSettings, Class<?>, ManagedResource<?>> declare;
    private final String name;
    private final Map<String, String> values = new TreeMap<>();
    private String kind;

    /** @param declare validates, declares and starts the resource of these settings, which must make that type */
    public CodeResourceBuilder(BiFunction<ResourceSettings, Class<?>, ManagedResource<?>> declare, String name) {
        this.declare = declare;
        this.name = name;
    }

    @Override
    public ResourceBuilder kind(String kind) {
        this.kind = kind;
        return this;
    }

    @Override
    public ResourceBuilder property(String key, String value) {
        if (ResourceDeclaration.KIND.equals(key)) {
            return kind(value);
        }
        values.put(key, value);
        return this;
    }

    @Override
    public ResourceBuilder poolSize(int maxSize) {
        return property("pool.max-size", Integer.toString(maxSize));
    }

    @Override
    public ResourceBuilder minSize(int minSize) {
        return property("pool.min-size", Integer.toString(minSize));
    }

    @Override
    public ResourceBuilder strategy(PoolStrategy strategy) {
        return property("pool.strategy", strategy.configName());
    }

    @Override
    public ResourceBuilder scope(ResourceScope scope) {
        return property(ResourceDeclaration.SCOPE, scope.configName());
    }

    @Override
    public ResourceBuilder acquireTimeout(Duration timeout) {
        return property("pool.acquire-timeout", timeout.toString());
    }

    @Override
    public ResourceBuilder healthInterval(Duration interval) {
        return property(ResourceDeclaration.HEALTH_INTERVAL, interval.toString());
    }

    @Override
    public ResourceBuilder dependsOn(String... names) {
        return property(ResourceDeclaration.DEPENDS_ON, String.join(",", names));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> ManagedResource<R> build(Class<R> type) {
        return (ManagedResource<R>) declare.apply(ResourceSettings.of(name, kind, values), type);
    }
}
