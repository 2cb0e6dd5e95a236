package io.nebula.resource.core;

import io.nebula.resource.spi.PoolStrategy;

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.System.Logger.Level.WARNING;

/**
 * The strategies {@code pool.strategy} can name: the engine's five, then those of the application, found with
 * {@link ServiceLoader} ({@code META-INF/services/io.nebula.resource.spi.PoolStrategy}).
 *
 * <p>Looked up with the thread's context class loader (the application's, on an application server), falling back
 * to this library's, once per loader: every tenant pool reads its configuration, and reading every jar's service
 * files each time would cost more than the pool. The cache holds its loader weakly and what it found softly, since
 * the strategies' classes hold their loader: a strong value would keep an undeployed application's loader alive.
 */
final class PoolStrategies {

    private static final Map<ClassLoader, SoftReference<PoolStrategies>> BY_LOADER = new WeakHashMap<>();
    /** Guards {@link #BY_LOADER} only; loading runs outside it (two threads may both load: the same result). */
    private static final ReentrantLock CACHE = new ReentrantLock();

    /** By name in lower case, the engine's first. */
    private final Map<String, PoolStrategy> byName;
    private final List<String> loadErrors;

    private PoolStrategies(Map<String, PoolStrategy> byName, List<String> loadErrors) {
        this.byName = byName;
        this.loadErrors = loadErrors;
    }

    /** The strategies visible to the calling thread's context class loader. */
    static PoolStrategies installed() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = PoolStrategies.class.getClassLoader();
        }
        PoolStrategies found;
        CACHE.lock();
        try {
            SoftReference<PoolStrategies> cached = BY_LOADER.get(loader);
            found = cached == null ? null : cached.get();
        } finally {
            CACHE.unlock();
        }
        if (found == null) {
            found = load(loader);
            CACHE.lock();
            try {
                BY_LOADER.put(loader, new SoftReference<>(found));
            } finally {
                CACHE.unlock();
            }
        }
        return found;
    }

    /**
     * Every built-in strategy and every one {@code loader} sees. One that fails to load is logged and remembered
     * (so that an unknown name can say why); one that takes a built-in's name, or another's, is left out.
     */
    static PoolStrategies load(ClassLoader loader) {
        Map<String, PoolStrategy> byName = new LinkedHashMap<>();
        for (BuiltInStrategy s : BuiltInStrategy.ALL) {
            byName.put(s.name(), s);
        }
        Map<String, PoolStrategy> installed = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        var it = ServiceLoader.load(PoolStrategy.class, loader).iterator();
        while (true) {
            PoolStrategy strategy;
            String name;
            try {
                if (!it.hasNext()) {
                    break;
                }
                strategy = it.next();
                name = strategy.name();
            } catch (ServiceConfigurationError | RuntimeException e) {
                Log.LOG.log(WARNING, "NEBULA-0710 A pool strategy could not be loaded; it is left out: " + e.getMessage(), e);
                errors.add(e.getMessage());
                continue;
            }
            String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
            PoolStrategy taken = byName.containsKey(key) ? byName.get(key) : installed.get(key);
            if (key.isEmpty()) {
                Log.LOG.log(WARNING, "NEBULA-0711 Pool strategy " + strategy.getClass().getName()
                        + " has no name; it is left out");
                continue;
            }
            if (taken != null) {
                if (taken.getClass() != strategy.getClass()) { // the same class found twice is no clash
                    Log.LOG.log(WARNING, "NEBULA-0711 Pool strategy " + strategy.getClass().getName() + " is named '"
                            + name + "' as " + (taken instanceof BuiltInStrategy ? "a built-in strategy"
                            : taken.getClass().getName()) + " is; it is left out");
                }
                continue;
            }
            installed.put(key, strategy);
        }
        byName.putAll(installed);
        return new PoolStrategies(byName, List.copyOf(errors));
    }

    /** The strategy of that name, ignoring case; the engine's also by its constant ({@code WEIGHTED_ROUND_ROBIN}). */
    Optional<PoolStrategy> named(String value) {
        String v = value == null ? "" : value.trim();
        Optional<io.nebula.resource.PoolStrategy> builtIn = io.nebula.resource.PoolStrategy.parse(v);
        if (builtIn.isPresent()) {
            return Optional.of(BuiltInStrategy.of(builtIn.get()));
        }
        return Optional.ofNullable(byName.get(v.toLowerCase(Locale.ROOT)));
    }

    /** What is wrong with a name no strategy has: the known names, and the strategies that failed to load. */
    String unknown(String value) {
        return "must be one of " + String.join(", ", byName.keySet()) + ", was '" + value + "'"
                + "; an application's strategy is installed with META-INF/services/" + PoolStrategy.class.getName()
                + (loadErrors.isEmpty() ? "" : " (strategies that failed to load: " + String.join("; ", loadErrors) + ")");
    }
}
