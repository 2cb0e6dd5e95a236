package io.nebula.resource.cdi;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.ResourceBuilder;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.inject.Views;
import io.nebula.resource.core.declared.CodeResourceBuilder;
import io.nebula.resource.core.declared.ResourceDeclaration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The programmatic API. Values from {@code get} follow the resource's scope exactly like injected ones:
 * a leased instance belongs to the current scope's lease (shared with the injected proxies) and must
 * not be used after that scope ends; a resident instance of global scope is the shared instance.
 */
final class NebulaResources implements Resources {

    private final ResourceRuntime runtime;

    NebulaResources(ResourceRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public <T> T get(Class<T> type) {
        List<DeclaredResource<?>> matching = runtime.all().stream().filter(r -> r.viewFor(type) != null)
                .sorted((a, b) -> a.name().compareTo(b.name())).toList();
        if (matching.size() != 1) {
            throw new ConfigurationInvalidException(List.of(new ConfigProblem(ResourceSettings.PREFIX + "<name>.kind",
                    (matching.isEmpty() ? "no declared resource makes " : "more than one declared resource makes ")
                            + type.getName() + (matching.isEmpty() ? "" : ": "
                            + String.join(", ", matching.stream().map(DeclaredResource::name).toList())
                            + "; ask for one by name with get(name, type)"))));
        }
        return get(matching.get(0).name(), type);
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        return instance(runtime.resource(name), type);
    }

    @Override
    public <T> T get(String name, Class<T> type, Map<String, String> overrides) {
        return instance(runtime.derived(name, overrides), type);
    }

    @Override
    public <R> Lease<R> acquire(String name, Class<R> type) {
        return acquire(name, type, null);
    }

    @Override
    public <R> Lease<R> acquire(String name, Class<R> type, Duration timeout) {
        DeclaredResource<?> resource = runtime.resource(name);
        @SuppressWarnings("unchecked")
        Lease<R> lease = (Lease<R>) resource.lease(viewOf(resource, type), timeout, runtime.scopes().current());
        return lease;
    }

    @Override
    public Optional<ManagedResource<?>> find(String name) {
        return runtime.find(name).map(DeclaredResource::pools);
    }

    @Override
    public Set<String> names() {
        return runtime.names();
    }

    @Override
    public ResourceBuilder builder(String name) {
        return new CodeResourceBuilder((settings, type) -> runtime.declare(settings, type).pools(),
                Objects.requireNonNull(name, "name"));
    }

    private <T> T instance(DeclaredResource<?> resource, Class<T> type) {
        return type.cast(resource.instance(viewOf(resource, type), runtime.scopes().chain()));
    }

    private static Class<?> viewOf(DeclaredResource<?> resource, Class<?> type) {
        Class<?> view = resource.viewFor(type);
        if (view == null) {
            throw new ConfigurationInvalidException(List.of(new ConfigProblem(
                    resource.declaration().settings().keyOf(ResourceDeclaration.KIND), "the " + resource.declaration().settings().kind()
                    + " provider makes " + Views.describe(resource.provider()) + ", which cannot be used as " + type.getName())));
        }
        return view;
    }
}
