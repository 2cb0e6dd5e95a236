package io.nebula.resource.reference;

import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.declared.ConfigurationReference;
import io.nebula.resource.core.declared.ResourceKeys;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The configuration reference that is committed is the one the code makes: docs/configuration.md,
 * docs/configuration.json and the CDI extension's META-INF/nebula-resource-config.json are compared with what
 * {@link ConfigurationReference} makes from the engine's key definitions and every provider's. A key added, removed
 * or given another default in the code, and not in the files, fails here, with the command that brings them up to date.
 */
class ConfigurationReferenceTest {

    /** Run with this property set to true, the test writes the files instead of comparing them. */
    static final String WRITE = "nebula.reference.write";
    static final String REGENERATE = "mvn -pl config-reference -am test -Dtest=ConfigurationReferenceTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE + "=true";

    /** Every provider module of the build: the reference must list each of their kinds. */
    private static final Set<String> KINDS = Set.of("filesystem", "h2", "http", "mariadb", "mysql", "nats",
            "postgresql", "rabbitmq", "redis", "redis-dedicated");

    private final List<ResourceProvider<?>> providers = ConfigurationReference.installedProviders();
    private final ConfigurationReference reference = new ConfigurationReference(providers, REGENERATE);

    private static Path root() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    }

    @Test
    void everyProviderOfTheBuildIsOnTheClassPath() {
        assertThat(providers.stream().map(ResourceProvider::kind).collect(Collectors.toSet())).isEqualTo(KINDS);
    }

    @Test
    void theCommittedFilesAreWhatTheCodeMakes() throws IOException {
        Map<Path, String> files = Map.of(
                root().resolve("docs/configuration.md"), reference.markdown(),
                root().resolve("docs/configuration.json"), reference.json(),
                root().resolve("cdi-extension/src/main/resources/META-INF/nebula-resource-config.json"), reference.json());
        List<String> stale = new ArrayList<>();
        for (Map.Entry<Path, String> file : files.entrySet()) {
            if (Boolean.getBoolean(WRITE)) {
                Files.createDirectories(file.getKey().getParent());
                Files.writeString(file.getKey(), file.getValue(), StandardCharsets.UTF_8);
            } else if (!Files.exists(file.getKey())
                    || !Files.readString(file.getKey(), StandardCharsets.UTF_8).equals(file.getValue())) {
                stale.add(root().relativize(file.getKey()).toString());
            }
        }
        if (!stale.isEmpty()) {
            fail(String.join(", ", new TreeSet<>(stale)) + " differ from what the key definitions in the code make"
                    + " (ResourceKeys.DEFINITIONS, each provider's configKeys()); do not edit them by hand, regenerate"
                    + " them with:\n  " + REGENERATE);
        }
    }

    /** An editor reads the JSON: it parses, and names every key of every resource and of every kind once per kind. */
    @Test
    void theJsonDescribesEveryKey() {
        JsonObject json;
        try (JsonReader reader = Json.createReader(new StringReader(reference.json()))) {
            json = reader.readObject();
        }
        JsonArray properties = json.getJsonArray("properties");
        Set<String> names = properties.stream().map(v -> v.asJsonObject().getString("name")).collect(Collectors.toSet());
        for (ConfigKey key : ResourceKeys.DEFINITIONS.values().stream().flatMap(List::stream).toList()) {
            assertThat(names).contains("nebula.resource.{*}." + key.name() + (key.name().endsWith(".") ? "{*}" : ""));
        }
        for (ResourceProvider<?> provider : providers) {
            assertThat(provider.configKeys()).as(provider.kind()).isNotEmpty();
            for (ConfigKey key : provider.configKeys()) {
                String name = "nebula.resource.{*}." + key.name() + (key.name().endsWith(".") ? "{*}" : "");
                assertThat(properties.stream().map(v -> v.asJsonObject())
                        .filter(p -> p.getString("name").equals(name))
                        .flatMap(p -> p.getJsonArray("kinds").getValuesAs(jakarta.json.JsonString.class).stream())
                        .map(jakarta.json.JsonString::getString))
                        .as(name).contains(provider.kind());
            }
        }
        JsonObject password = properties.stream().map(v -> v.asJsonObject())
                .filter(p -> p.getString("name").equals("nebula.resource.{*}.password")).findFirst().orElseThrow();
        assertThat(password.getBoolean("secret")).isTrue();
        JsonObject maxSize = properties.stream().map(v -> v.asJsonObject())
                .filter(p -> p.getString("name").equals("nebula.resource.{*}.pool.max-size")).findFirst().orElseThrow();
        assertThat(maxSize.getString("defaultValue")).isEqualTo(Integer.toString(PoolConfig.defaults().maxSize()));
        assertThat(maxSize.getString("type")).isEqualTo("integer");
    }
}
