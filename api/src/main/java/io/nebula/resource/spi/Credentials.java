package io.nebula.resource.spi;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;

import java.util.Objects;
import java.util.Optional;

/**
 * The live credentials of one resource's instance, handed to
 * {@link ResourceProvider#create(ResourceSettings, Credentials)}. Each call fetches the value in force now
 * from the resource's {@link CredentialSource}, so a provider that opens connections over time asks here
 * every time it opens one and picks up a rotated credential from the next connection on.
 *
 * <p>Fetching is audited (which key, for which resource and tenant, never the value). A failure to reach the
 * source is thrown as {@link CredentialUnavailableException}.
 */
@FunctionalInterface
public interface Credentials {

    /** The current value of a credential key such as {@code username} or {@code password}; empty when none is set. */
    Optional<Secret> current(String key);

    /** The credentials written in the settings themselves, fixed: what a provider gets outside the engine (tests). */
    static Credentials of(ResourceSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return settings::secret;
    }
}
