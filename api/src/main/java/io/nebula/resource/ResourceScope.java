package io.nebula.resource;

import java.util.Locale;
import java.util.Optional;

/**
 * The lifetime of a resource's leases, from the broadest to the narrowest. Configured with
 * {@code nebula.resource.<name>.scope}; when the configured scope is not active, the nearest broader
 * active scope is used instead.
 */
public enum ResourceScope {
    /** One shared pool; leases live as long as their holder keeps them. */
    GLOBAL,
    /** One pool per tenant. */
    TENANT,
    /** Leases shared by the actions of one workflow. */
    WORKFLOW,
    /** Leases shared by the actions of one execution. */
    EXECUTION,
    /** Leases released when the action ends. */
    ACTION;

    /** The next broader scope, empty for {@link #GLOBAL}. */
    public Optional<ResourceScope> broader() {
        return this == GLOBAL ? Optional.empty() : Optional.of(values()[ordinal() - 1]);
    }

    /** The configuration spelling: {@code global}, {@code tenant}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration value, case-insensitively; empty when it is not a scope. */
    public static Optional<ResourceScope> parse(String value) {
        for (ResourceScope scope : values()) {
            if (scope.configName().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
