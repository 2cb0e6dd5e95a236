package io.nebula.resource.cdi;

import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.admin.ResourceAdmin;
import io.nebula.resource.core.EngineThreads;
import io.nebula.resource.core.declared.ChangeableKeys;
import io.nebula.resource.core.declared.DeclaredPools;
import io.nebula.resource.core.declared.TenantOverrides;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The configuration refresh ({@value ChangeableKeys#REFRESH_INTERVAL}, off by default): every interval, each declared
 * resource's keys are read again from MicroProfile Config and compared with those in force. Changed keys that are
 * changeable at run time ({@link ChangeableKeys#RESOURCE}) are applied together through {@link ResourceAdmin#apply}
 * as principal {@value #PRINCIPAL}: validated as configuration, audited and announced as any operator's change. A
 * changed key that is not changeable is never applied, not even in part (pools made later are made with the value
 * in force too): it is logged once at WARN ({@code NEBULA-4410}), naming it, until its value changes again. A change
 * that validation refuses is logged once at WARN ({@code NEBULA-4411}) with every problem, and nothing of it is applied.
 *
 * <p>Only the resources declared in configuration are read, and only their keys under {@code nebula.resource.<name>.}:
 * a key removed from the configuration keeps its value until the application restarts. Credentials are not compared:
 * they change through their source's own watch ({@code credentials.refresh-interval}).
 *
 * <p>A changeable key is compared with the configuration's value the refresh last applied (at first, the value in
 * force), not with the pool's: an operator's {@link ResourceAdmin} change is not undone by the next turn, and stays
 * until the key changes in the configuration again.
 */
final class ConfigRefresh {

    static final String PRINCIPAL = "config-refresh";
    private static final String KIND = "kind";

    private static final System.Logger LOG = System.getLogger(ConfigRefresh.class.getName());

    private final Config config;
    private final ResourceAdmin admin;
    private final Collection<? extends DeclaredPools<?>> resources;
    /** The values of keys that cannot change, last warned about, by full key: each is warned about once. */
    private final Map<String, String> warned = new HashMap<>();
    /**
     * Each changeable key's value as the configuration last had it when applied, by full key; first the value in force
     * when the refresh starts (or, for a resource declared later, when the refresh first reads it). A key is applied when the configuration's value moves away from this one, so
     * that an operator's change ({@link ResourceAdmin#resize}) stays until the configuration changes that key again.
     */
    private final Map<String, String> applied = new HashMap<>();
    /** The changes validation refused, by resource: each is logged once. */
    private final Map<String, Map<String, String>> refused = new HashMap<>();
    /** Each tenant quota override's value last seen or applied, by full key; first the one read at deployment. */
    private final Map<String, String> quotas = new HashMap<>();
    private final AtomicLong turns = new AtomicLong();
    private volatile ScheduledFuture<?> task;

    ConfigRefresh(Config config, ResourceAdmin admin, Collection<? extends DeclaredPools<?>> resources) {
        this.config = config;
        this.admin = admin.as(PRINCIPAL);
        this.resources = resources;
    }

    /** The interval of {@value ChangeableKeys#REFRESH_INTERVAL}; zero (off) when it is not set. */
    static Duration interval(Config config) {
        return config.getOptionalValue(ChangeableKeys.REFRESH_INTERVAL, String.class)
                .filter(s -> !s.isBlank()).map(ResourceSettings::parseDuration).orElse(Duration.ZERO);
    }

    /** A {@value ChangeableKeys#REFRESH_INTERVAL} that is not a duration is a deployment problem. */
    static void check(Config config, io.nebula.resource.ConfigProblems problems) {
        Optional<String> v;
        try {
            v = config.getOptionalValue(ChangeableKeys.REFRESH_INTERVAL, String.class);
        } catch (RuntimeException e) {
            v = Optional.empty();
        }
        v.filter(s -> !s.isBlank() && ResourceSettings.parseDuration(s) == null).ifPresent(s -> problems.add(
                ChangeableKeys.REFRESH_INTERVAL, "must be a duration (500ms, 30s, 10m, PT30S) or 0 for no refresh, was '"
                        + s + "'"));
    }

    /** Starts the refresh every {@code interval}; nothing when it is zero. */
    void start(Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        for (DeclaredPools<?> resource : resources) { // before any turn, so an operator's change is never the seed
            ResourceSettings inForce = resource.declaration().settings();
            ChangeableKeys.RESOURCE.forEach(key -> applied.put(inForce.keyOf(key), inForce.string(key).orElse(null)));
        }
        task = EngineThreads.every(EngineThreads.timer(), interval, this::turn, e -> LOG.log(ERROR,
                "NEBULA-4412 The configuration refresh failed; it runs again in " + interval, e));
        LOG.log(INFO, () -> "NEBULA-4409 Configuration refresh on: the keys changeable at run time "
                + new TreeSet<>(ChangeableKeys.RESOURCE) + " are read again every " + interval);
    }

    void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** How many times the configuration was read again: for tests that wait for a turn. */
    long turns() {
        return turns.get();
    }

    /** Reads every resource's keys again and applies what changed and may change. One turn at a time (the timer's). */
    void turn() {
        for (DeclaredPools<?> resource : resources) {
            refresh(resource);
            refreshQuotas(resource);
        }
        turns.incrementAndGet();
    }

    private void refresh(DeclaredPools<?> resource) {
        ResourceSettings inForce = resource.declaration().settings();
        Map<String, String> changeable = new TreeMap<>();
        Map<String, String> fixed = new TreeMap<>();
        TreeSet<String> keys = new TreeSet<>(inForce.keys());
        keys.addAll(ChangeableKeys.RESOURCE);
        for (String name : config.getPropertyNames()) {
            String prefix = ResourceSettings.PREFIX + resource.name() + ".";
            if (name.startsWith(prefix)) {
                keys.add(name.substring(prefix.length()));
            }
        }
        for (String key : keys) {
            if (ResourceSettings.isSecretKey(key) || key.startsWith("credentials.")) {
                continue; // credentials change through their source's watch (credentials.refresh-interval)
            }
            Optional<String> now = read(inForce.keyOf(key));
            Optional<String> current = key.equals(KIND) ? Optional.of(inForce.kind()) : inForce.string(key);
            if (ChangeableKeys.isChangeable(key)) {
                String last = applied.computeIfAbsent(inForce.keyOf(key), k -> current.orElse(null));
                if (now.isPresent() && !now.get().equals(last)) {
                    changeable.put(key, now.get()); // changed in the configuration since last applied
                }
                continue;
            }
            if (now.isEmpty() || now.equals(current)) {
                continue; // unchanged, or removed: a removed key keeps its value until a restart
            }
            fixed.put(key, now.get());
        }
        fixed.forEach((key, value) -> {
            String full = inForce.keyOf(key);
            if (!value.equals(warned.put(full, value))) {
                LOG.log(WARNING, "NEBULA-4410 " + full + " changed in the configuration but cannot change at run"
                        + " time: not applied, the resource keeps the value it started with until the application"
                        + " restarts (keys changeable at run time: " + new TreeSet<>(ChangeableKeys.RESOURCE)
                        + (ChangeableKeys.TENANT.contains(key) ? "; a tenant's quota changes with "
                        + TenantOverrides.key("<id>", resource.name(), key) : "") + ")");
            }
        });
        if (changeable.isEmpty()) {
            refused.remove(resource.name());
            return;
        }
        try {
            admin.apply(resource.name(), changeable);
            changeable.forEach((key, value) -> applied.put(inForce.keyOf(key), value));
            refused.remove(resource.name());
        } catch (ConfigurationInvalidException e) {
            if (!changeable.equals(refused.put(resource.name(), changeable))) {
                LOG.log(WARNING, "NEBULA-4411 The configuration of resource '" + resource.name() + "' changed but the"
                        + " change is invalid, so nothing of it was applied: " + e.getMessage());
            }
        }
    }

    /**
     * Each known tenant's quota overrides ({@code nebula.tenant.<id>.resource.<name>.tenant.quota.*}), read again: a
     * changed one is applied through {@link ResourceAdmin#tenantQuota}. The tenants are those with a live pool or
     * with overrides at deployment; a key removed keeps its value.
     */
    private void refreshQuotas(DeclaredPools<?> resource) {
        for (String tenant : resource.knownTenants()) {
            Map<String, String> changed = new TreeMap<>();
            ResourceSettings deployed = null;
            for (String key : ChangeableKeys.TENANT) {
                String full = TenantOverrides.key(tenant, resource.name(), key);
                Optional<String> now = read(full);
                if (now.isEmpty()) {
                    continue;
                }
                if (!quotas.containsKey(full)) {
                    deployed = deployed != null ? deployed : resource.registryTenantSettings(tenant);
                    quotas.put(full, deployed.string(key).orElse(null));
                }
                if (!now.get().equals(quotas.get(full))) {
                    changed.put(key, now.get());
                }
            }
            if (changed.isEmpty()) {
                continue;
            }
            String which = resource.name() + "@" + tenant;
            try {
                admin.tenantQuota(resource.name(), tenant, changed);
                changed.forEach((key, value) -> quotas.put(TenantOverrides.key(tenant, resource.name(), key), value));
                refused.remove(which);
            } catch (ConfigurationInvalidException e) {
                if (!changed.equals(refused.put(which, changed))) {
                    LOG.log(WARNING, "NEBULA-4411 The quota of tenant '" + tenant + "' on resource '" + resource.name()
                            + "' changed in the configuration but the change is invalid or cannot be applied now, so"
                            + " nothing of it was applied: " + e.getMessage());
                }
            }
        }
    }

    /** A value as the configuration has it now; a secret's never leaves this method (no secret key is changeable). */
    private Optional<String> read(String key) {
        try {
            return config.getOptionalValue(key, String.class);
        } catch (RuntimeException e) {
            return Optional.empty(); // a value that does not convert is deployment's business, at the next start
        }
    }
}
