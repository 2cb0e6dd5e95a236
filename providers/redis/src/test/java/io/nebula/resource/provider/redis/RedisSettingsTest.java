package io.nebula.resource.provider.redis;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every key is checked before a connection is tried, and each problem names its full key. */
class RedisSettingsTest {

    private final RedisProvider provider = new RedisProvider();

    private static ResourceSettings keys(String... keyValues) {
        Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return ResourceSettings.of("cache", "redis", values);
    }

    private List<String> problemKeys(ResourceSettings settings) {
        return provider.validate(settings).stream().map(ConfigProblem::key).toList();
    }

    @Test
    void aUrlGivesHostPortAndDatabase() {
        RedisEndpoint e = RedisEndpoint.read(keys("url", "redis://cache.example:6380/3"));
        assertThat(e.host()).isEqualTo("cache.example");
        assertThat(e.port()).isEqualTo(6380);
        assertThat(e.database()).isEqualTo(3);
        assertThat(e.ssl()).isFalse();
    }

    @Test
    void aUrlWithoutPortOrDatabaseUsesTheDefaults() {
        RedisEndpoint e = RedisEndpoint.read(keys("url", "redis://localhost"));
        assertThat(e.port()).isEqualTo(6379);
        assertThat(e.database()).isZero();
        assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(e.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void redissMeansTls() {
        assertThat(RedisEndpoint.read(keys("url", "rediss://localhost:6380")).ssl()).isTrue();
    }

    @Test
    void hostPortAndDatabaseKeysReplaceTheUrl() {
        RedisEndpoint e = RedisEndpoint.read(keys("host", "10.0.0.7", "port", "7000", "database", "2",
                "timeout", "1500ms", "connect-timeout", "2s", "client-name", "orders-app"));
        assertThat(e).isEqualTo(new RedisEndpoint("10.0.0.7", 7000, 2, false, null, Duration.ofMillis(1500),
                Duration.ofSeconds(2), "orders-app"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://localhost:6379       | scheme redis:// or rediss://",
            "redis://localhost:70000/0   | not between 1 and 65535",
            "redis://localhost:6379/x    | database number",
            "redis://localhost:6379/-1   | database number",
            "redis://:6379/0             | must name a host",
            "redis://local host:6379     | not a valid URL",
            "redis://localhost?timeout=5 | must not have query parameters",
    })
    void aBadUrlIsAProblemOfTheUrlKey(String url, String says) {
        List<ConfigProblem> problems = provider.validate(keys("url", url));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.cache.url");
            assertThat(p.message()).contains(says);
        });
    }

    @Test
    void aPasswordInTheUrlIsRefusedAndNeverEchoed() {
        List<ConfigProblem> problems = provider.validate(keys("url", "redis://:hunter2-Pass@localhost:6379/0"));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.cache.url");
            assertThat(p.message()).contains("nebula.resource.cache.password");
        });
        assertThat(problems.toString()).doesNotContain("hunter2");
    }

    @Test
    void neitherUrlNorHostIsAProblemOfTheUrlKey() {
        assertThat(problemKeys(keys("port", "6379"))).containsExactly("nebula.resource.cache.url");
    }

    @Test
    void urlAndHostKeysTogetherAreAmbiguous() {
        assertThat(problemKeys(keys("url", "redis://localhost", "host", "other", "database", "1")))
                .containsExactlyInAnyOrder("nebula.resource.cache.host", "nebula.resource.cache.database");
    }

    @Test
    void everyBadKeyIsReportedAtOnce() {
        ResourceSettings bad = keys("host", "localhost", "port", "0", "database", "-2", "timeout", "0s",
                "connect-timeout", "fast", "client-name", "has space", "username", "app");
        assertThat(problemKeys(bad)).containsExactlyInAnyOrder(
                "nebula.resource.cache.port", "nebula.resource.cache.database", "nebula.resource.cache.timeout",
                "nebula.resource.cache.connect-timeout", "nebula.resource.cache.client-name",
                "nebula.resource.cache.password");
        assertThatThrownBy(() -> RedisEndpoint.read(bad))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("6 configuration problems");
    }

    @Test
    void aPortThatIsNoNumberNamesThePortKey() {
        assertThat(problemKeys(keys("host", "localhost", "port", "sixty"))).containsExactly("nebula.resource.cache.port");
    }

    @Test
    void aUsernameNeedsAPassword() {
        assertThat(problemKeys(keys("url", "redis://localhost", "username", "app")))
                .containsExactly("nebula.resource.cache.password");
        assertThat(problemKeys(keys("url", "redis://localhost", "username", "app", "password", "pw"))).isEmpty();
    }

    @Test
    void theEndpointHoldsNoCredential() {
        ResourceSettings s = keys("url", "redis://localhost", "username", "app", "password", "hunter2-Pass");
        assertThat(RedisEndpoint.read(s).toString()).doesNotContain("hunter2");
        assertThat(s.toString()).doesNotContain("hunter2");
    }

    @Test
    void createRefusesInvalidSettingsWithEveryProblem() {
        assertThatThrownBy(() -> provider.create(keys("url", "redis://localhost:0", "timeout", "x")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .satisfies(e -> assertThat(((ConfigurationInvalidException) e).problems()).extracting(ConfigProblem::key)
                        .containsExactlyInAnyOrder("nebula.resource.cache.url", "nebula.resource.cache.timeout"));
    }
}
