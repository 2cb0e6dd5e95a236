package io.nebula.resource.reference;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.declared.ConfigurationReference;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What docs/configuration.md says of each provider's keys is what the provider checks, without touching a backend:
 * a documented default, written out, is accepted, and a value not of the documented type is a problem naming the key.
 */
class ProviderKeyDefinitionsTest {

    /** The fewest keys a resource of each kind needs to be valid (a required key, or one of two that are). */
    private static final Map<String, Map<String, String>> VALID = Map.ofEntries(
            Map.entry("filesystem", Map.of("root", "target/provider-key-definitions")),
            Map.entry("h2", Map.of()),
            Map.entry("http", Map.of("url", "http://localhost:8080/")),
            Map.entry("mariadb", Map.of("url", "jdbc:mariadb://localhost:3306/orders")),
            Map.entry("mysql", Map.of("url", "jdbc:mysql://localhost:3306/orders")),
            Map.entry("nats", Map.of("url", "nats://localhost:4222")),
            Map.entry("postgresql", Map.of("url", "jdbc:postgresql://localhost:5432/orders")),
            Map.entry("rabbitmq", Map.of("host", "localhost")),
            Map.entry("redis", Map.of("host", "localhost")),
            Map.entry("redis-dedicated", Map.of("host", "localhost")));

    static Stream<Arguments> keys() {
        return ConfigurationReference.installedProviders().stream()
                .flatMap(p -> p.configKeys().stream().map(k -> Arguments.of(p.kind(), p, k)));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("keys")
    void aDocumentedDefaultIsAccepted(String kind, ResourceProvider<?> provider, ConfigKey key) {
        assertThat(provider.validate(settings(kind, Map.of()))).as("the valid settings of " + kind).isEmpty();
        if (key.defaultValue() != null && !key.defaultValue().contains("<name>")) {
            assertThat(provider.validate(settings(kind, Map.of(key.name(), key.defaultValue()))))
                    .as(key.name() + "=" + key.defaultValue()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("keys")
    void aValueNotOfTheDocumentedTypeIsAProblemNamingTheKey(String kind, ResourceProvider<?> provider, ConfigKey key) {
        if (List.of(ConfigKey.Type.STRING, ConfigKey.Type.LIST, ConfigKey.Type.MAP).contains(key.type())) {
            return; // any text is of these types
        }
        assertThat(provider.validate(settings(kind, Map.of(key.name(), "not-a-" + key.type().configName()))))
                .extracting(ConfigProblem::key).contains(ResourceSettings.PREFIX + "r." + key.name());
    }

    private static ResourceSettings settings(String kind, Map<String, String> more) {
        Map<String, String> values = new HashMap<>(VALID.get(kind));
        values.putAll(more);
        return ResourceSettings.of("r", kind, values);
    }
}
