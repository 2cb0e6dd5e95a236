package io.nebula.resource.sample.config;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.declared.ProviderCatalog;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.core.declared.ResourceDeclarations;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's declarations as the {@code services} profile reads them are valid, checked as deployment checks them
 * (each resource's keys, then the fallbacks across resources), without a server: the ledger falls back to the
 * embedded {@code ledger-spool}.
 */
class ServicesProfileTest {

    private static final String PREFIX = "nebula.resource.";
    private static final String PROFILE = "%services.";

    @Test
    void theServicesProfileDeclaresValidResourcesAndTheLedgersFallback() throws IOException {
        Map<String, Map<String, String>> byResource = servicesProfile();
        ProviderCatalog providers = ProviderCatalog.load();
        ConfigProblems problems = new ConfigProblems();
        Map<String, ResourceDeclaration> declared = new LinkedHashMap<>();
        byResource.forEach((name, values) -> ResourceDeclaration.parse(
                        ResourceSettings.of(name, values.get(ResourceDeclaration.KIND), values), providers, problems)
                .ifPresent(d -> declared.put(name, d)));
        ResourceDeclarations.fallbacks(declared, byResource.keySet(), problems);

        assertThat(problems.list()).isEmpty();
        assertThat(declared.get("ledger").fallback()).hasValue("ledger-spool");
        assertThat(declared.get("ledger").settings().kind()).isEqualTo("postgresql");
        assertThat(declared.get("ledger-spool").settings().kind()).isEqualTo("h2");
    }

    /** The keys under {@code nebula.resource.}, a {@code %services.} key over the plain one, an empty value none. */
    private static Map<String, Map<String, String>> servicesProfile() throws IOException {
        Properties file = new Properties();
        try (InputStream in = ServicesProfileTest.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            file.load(in);
        }
        Map<String, String> keys = new LinkedHashMap<>();
        file.stringPropertyNames().stream().filter(k -> k.startsWith(PREFIX)).forEach(k -> keys.put(k, file.getProperty(k)));
        file.stringPropertyNames().stream().filter(k -> k.startsWith(PROFILE + PREFIX))
                .forEach(k -> keys.put(k.substring(PROFILE.length()), file.getProperty(k)));
        Map<String, Map<String, String>> byResource = new LinkedHashMap<>();
        keys.forEach((key, value) -> {
            if (value.isEmpty()) {
                return; // how the profile takes a key away
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            byResource.computeIfAbsent(rest.substring(0, dot), n -> new LinkedHashMap<>())
                    .put(rest.substring(dot + 1), value.replace("${http.port:9080}", "9080"));
        });
        return byResource;
    }
}
