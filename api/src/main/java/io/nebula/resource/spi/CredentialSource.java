package io.nebula.resource.spi;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;

import java.util.List;
import java.util.Optional;

/**
 * Where a resource's credentials (user names, passwords, tokens) come from. A resource picks its source
 * with {@code nebula.resource.<name>.credentials.source=<name()>}; MicroProfile Config is the default, and a
 * directory of files (one per secret, as Kubernetes mounts a Secret) comes with the library.
 *
 * <p>Credentials are fetched just in time: every time an instance is created, and for a provider that opens
 * connections over time (a JDBC pool), every time it opens one. The engine also fetches them every
 * {@code credentials.refresh-interval} to notice a change, then rotates: new instances use the new value and
 * those made with the old one are retired gracefully.
 *
 * <p>Sources are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.nebula.resource.spi.CredentialSource}), must have a public no-argument
 * constructor and be thread-safe. A source must never put a credential into a message, a log line or a
 * {@code toString()}.
 */
public interface CredentialSource {

    /** The name used in {@code credentials.source}: {@code config}, {@code directory}... */
    String name();

    /**
     * Checks the {@code credentials.*} keys this source reads, without reading any credential; each problem
     * names its full key ({@link ResourceSettings#keyOf}).
     */
    default List<ConfigProblem> validate(ResourceSettings settings) {
        return List.of();
    }

    /**
     * The current value of one credential.
     *
     * @param settings the settings of the pool asking: for a tenant's pool, with the tenant substituted and
     *                 its overrides applied, and the tenant id under the key {@code tenant}
     * @param key      the key relative to the resource, as in {@code username} or {@code password}
     * @return the value, or empty when this source holds none for that key
     * @throws Exception when the source cannot be read now (a missing mount, a refused connection); the
     *                   creation that asked fails with it as its cause. Its message must not hold a credential.
     */
    Optional<Secret> fetch(ResourceSettings settings, String key) throws Exception;
}
