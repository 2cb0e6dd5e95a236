package io.nebula.resource.core.declared;

import io.nebula.resource.spi.ResourceProvider;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static java.lang.System.Logger.Level.WARNING;

/** The installed providers, by kind, found with {@link ServiceLoader}. */
public final class ProviderCatalog {

    private static final System.Logger LOG = System.getLogger(ProviderCatalog.class.getName());

    private final Map<String, List<ResourceProvider<?>>> byKind;
    private final List<String> loadErrors;

    private ProviderCatalog(Map<String, List<ResourceProvider<?>>> byKind, List<String> loadErrors) {
        this.byKind = byKind;
        this.loadErrors = loadErrors;
    }

    /**
     * Loads with the thread's context class loader (the application's, on an application server) and
     * falls back to this library's. A provider that fails to load is remembered, so that an "unknown
     * kind" problem can say why.
     */
    public static ProviderCatalog load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ProviderCatalog.class.getClassLoader();
        }
        Map<String, List<ResourceProvider<?>>> byKind = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        @SuppressWarnings("rawtypes")
        Iterator<ResourceProvider> it = ServiceLoader.load(ResourceProvider.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                ResourceProvider<?> provider = it.next();
                byKind.computeIfAbsent(provider.kind(), k -> new ArrayList<>()).add(provider);
            } catch (ServiceConfigurationError | RuntimeException e) {
                LOG.log(WARNING, "NEBULA-1030 A resource provider could not be loaded: " + e.getMessage(), e);
                errors.add(e.getMessage());
            }
        }
        return new ProviderCatalog(byKind, List.copyOf(errors));
    }

    /** A catalog of exactly these providers, as a plain Java application (or a test) names them. */
    public static ProviderCatalog of(ResourceProvider<?>... providers) {
        Map<String, List<ResourceProvider<?>>> byKind = new TreeMap<>();
        for (ResourceProvider<?> provider : providers) {
            byKind.computeIfAbsent(provider.kind(), k -> new ArrayList<>()).add(provider);
        }
        return new ProviderCatalog(byKind, List.of());
    }

    /** The one provider of a kind, or {@code null}. */
    ResourceProvider<?> provider(String kind) {
        List<ResourceProvider<?>> providers = byKind.get(kind);
        return providers == null || providers.size() != 1 ? null : providers.get(0);
    }

    /** Why a kind cannot be used, or {@code null} when exactly one provider makes it. */
    String problemWith(String kind) {
        List<ResourceProvider<?>> providers = byKind.get(kind);
        if (providers == null) {
            return "unknown kind '" + kind + "'; known kinds: " + knownKinds()
                    + (loadErrors.isEmpty() ? "" : " (providers that failed to load: " + String.join("; ", loadErrors) + ")");
        }
        if (providers.size() > 1) {
            return "kind '" + kind + "' is made by more than one installed provider: "
                    + providers.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", "))
                    + "; remove all but one from the application";
        }
        return null;
    }

    String knownKinds() {
        return byKind.isEmpty() ? "none (no provider is installed: add a nebula-resource-provider-* module)"
                : String.join(", ", byKind.keySet());
    }
}
