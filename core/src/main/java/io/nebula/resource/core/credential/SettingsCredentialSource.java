package io.nebula.resource.core.credential;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.CredentialSource;

import java.util.Optional;

/**
 * Credentials written in the resource's own settings ({@code credentials.source=settings}): what they were
 * when the resource was declared, never rotating. The engine's default outside a container.
 */
public final class SettingsCredentialSource implements CredentialSource {

    public static final String NAME = "settings";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Secret> fetch(ResourceSettings settings, String key) {
        return settings.secret(key);
    }
}
