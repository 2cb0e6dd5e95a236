package io.nebula.resource;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The programmatic API, in three levels:
 * <ol>
 *   <li>{@code resources.get(DataSource.class)}: the one resource whose provider produces that type;</li>
 *   <li>{@code resources.get("orders-db", DataSource.class)}, optionally with overrides of its keys;</li>
 *   <li>{@code resources.builder("x")...build(type)}: a resource declared in code.</li>
 * </ol>
 * A value obtained with {@code get} follows the resource's scope: a pooled instance is leased for
 * the current scope and released when the scope ends; a shared (resident) instance is returned as is.
 */
public interface Resources {

    /** @throws ConfigurationInvalidException when no resource, or more than one, produces {@code type} */
    <T> T get(Class<T> type);

    <T> T get(String name, Class<T> type);

    /** A resource derived from {@code name} with some keys overridden; derived resources are cached per override set. */
    <T> T get(String name, Class<T> type, Map<String, String> overrides);

    /** Acquires a lease that the caller closes, with the configured acquire timeout. */
    <R> Lease<R> acquire(String name, Class<R> type);

    <R> Lease<R> acquire(String name, Class<R> type, Duration timeout);

    Optional<ManagedResource<?>> find(String name);

    /** Names of every declared resource. */
    Set<String> names();

    ResourceBuilder builder(String name);
}
