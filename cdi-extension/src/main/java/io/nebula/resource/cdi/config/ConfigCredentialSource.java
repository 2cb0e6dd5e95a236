package io.nebula.resource.cdi.config;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.core.declared.TenantOverrides;
import io.nebula.resource.core.tenant.TenantTemplate;
import io.nebula.resource.spi.CredentialSource;
import org.eclipse.microprofile.config.Config;

import java.util.Optional;

/**
 * Credentials from MicroProfile Config ({@code credentials.source=config}, the default): the resource's own
 * key ({@code nebula.resource.<name>.password}), or for a tenant's pool the tenant's override
 * ({@code nebula.tenant.<id>.resource.<name>.password}) first. Read anew at every fetch, through the
 * application's {@link Config}, so a config source that changes at run time (a mounted file, a vault) rotates
 * the credential. A user name may name the tenant ({@code app_{tenant}}); a secret is used as written.
 */
public final class ConfigCredentialSource implements CredentialSource {

    public static final String NAME = "config";

    private final Config config;

    public ConfigCredentialSource(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Secret> fetch(ResourceSettings settings, String key) {
        Optional<String> tenant = settings.string(TenantTemplate.TENANT_KEY);
        Optional<String> value = tenant.flatMap(t -> config.getOptionalValue(TenantOverrides.key(t, settings.name(), key),
                String.class));
        if (value.isEmpty()) {
            value = config.getOptionalValue(settings.keyOf(key), String.class);
        }
        return value.filter(v -> !v.isEmpty())
                .map(v -> ResourceSettings.isSecretKey(key) || tenant.isEmpty() ? v : TenantTemplate.substitute(v, tenant.get()))
                .map(Secret::of);
    }
}
