package io.nebula.resource.provider.nats;

import io.nats.client.Options;
import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every key is checked before a connection is tried, and each problem names its full key. */
class NatsSettingsTest {

    private final NatsProvider provider = new NatsProvider();

    private static ResourceSettings keys(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return ResourceSettings.of("events", "nats", values);
    }

    private List<String> problemKeys(ResourceSettings settings) {
        return provider.validate(settings).stream().map(ConfigProblem::key).toList();
    }

    @Test
    void severalServersSeparatedByCommas() {
        NatsEndpoint e = NatsEndpoint.read(keys("url", "nats://a.example:4222, tls://b.example ,nats://[::1]:4333"));
        assertThat(e.servers()).containsExactly("nats://a.example:4222", "tls://b.example:4222", "nats://[::1]:4333");
    }

    @Test
    void theDefaultsAreThoseOfJnats() {
        NatsEndpoint e = NatsEndpoint.read(keys("url", "nats://localhost"));
        assertThat(e.connectionTimeout()).isEqualTo(Options.DEFAULT_CONNECTION_TIMEOUT);
        assertThat(e.maxReconnects()).isEqualTo(Options.DEFAULT_MAX_RECONNECT);
        assertThat(e.pingInterval()).isEqualTo(Options.DEFAULT_PING_INTERVAL);
        assertThat(e.maxPingsOut()).isEqualTo(Options.DEFAULT_MAX_PINGS_OUT);
        assertThat(e.username()).isNull();
        assertThat(e.connectionName()).isNull();
    }

    @Test
    void theKeysReachTheJnatsOptions() {
        ResourceSettings s = keys("url", "nats://localhost:4223", "username", "app", "password", "pw",
                "connection-timeout", "750ms", "connection-name", "orders-service", "max-reconnects", "-1",
                "ping-interval", "30s", "max-pings-out", "5");
        Options options = NatsEndpoint.read(s).options(s.secret("password"), Optional.empty());
        assertThat(options.getServers()).extracting(Object::toString).containsExactly("nats://localhost:4223");
        assertThat(options.getConnectionTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(options.getConnectionName()).isEqualTo("orders-service");
        assertThat(options.getMaxReconnect()).isEqualTo(-1);
        assertThat(options.getPingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.getMaxPingsOut()).isEqualTo(5);
        assertThat(options.getUsernameChars()).containsExactly("app".toCharArray());
        assertThat(options.getPasswordChars()).containsExactly("pw".toCharArray());
    }

    @Test
    void aTokenReachesTheJnatsOptions() {
        Options options = NatsEndpoint.read(keys("url", "nats://localhost", "token", "t0ken"))
                .options(Optional.empty(), Optional.of(Secret.of("t0ken")));
        assertThat(options.getTokenChars()).containsExactly("t0ken".toCharArray());
        assertThat(options.getUsernameChars()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://localhost:4222                | scheme nats://, tls://, ws:// or wss://",
            "nats://localhost:99999               | not between 1 and 65535",
            "nats://:4222                         | must name a host",
            "nats://local host                    | not a valid URL",
            "nats://localhost:4222/path           | only scheme, host and port",
            "'nats://localhost:4222,'             | empty server (server 2)",
            "'nats://a:4222,nats://b:0'           | has port 0 (server 2)",
    })
    void aBadUrlIsAProblemOfTheUrlKey(String url, String says) {
        List<ConfigProblem> problems = provider.validate(keys("url", url));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.events.url");
            assertThat(p.message()).contains(says);
        });
    }

    @Test
    void theUrlIsRequired() {
        assertThat(problemKeys(keys())).containsExactly("nebula.resource.events.url");
    }

    @Test
    void credentialsInTheUrlAreRefusedAndNeverEchoed() {
        List<ConfigProblem> problems = provider.validate(keys("url", "nats://app:hunter2-Pass@localhost:4222"));
        assertThat(problems).extracting(ConfigProblem::key).containsExactly("nebula.resource.events.url");
        assertThat(problems.toString()).doesNotContain("hunter2");
    }

    @Test
    void userAndPasswordGoTogetherAndExcludeAToken() {
        assertThat(problemKeys(keys("url", "nats://localhost", "username", "app")))
                .containsExactly("nebula.resource.events.password");
        assertThat(problemKeys(keys("url", "nats://localhost", "password", "pw")))
                .containsExactly("nebula.resource.events.username");
        assertThat(problemKeys(keys("url", "nats://localhost", "username", "app", "password", "pw", "token", "t")))
                .containsExactly("nebula.resource.events.token");
        assertThat(problemKeys(keys("url", "nats://localhost", "username", "app", "password", "pw"))).isEmpty();
        assertThat(problemKeys(keys("url", "nats://localhost", "token", "t"))).isEmpty();
    }

    @Test
    void everyBadKeyIsReportedAtOnce() {
        ResourceSettings bad = keys("url", "redis://localhost", "connection-timeout", "0", "max-reconnects", "many",
                "username", "app", "ping-interval", "0s", "max-pings-out", "1");
        assertThat(problemKeys(bad)).containsExactlyInAnyOrder("nebula.resource.events.url",
                "nebula.resource.events.connection-timeout", "nebula.resource.events.max-reconnects",
                "nebula.resource.events.password", "nebula.resource.events.ping-interval",
                "nebula.resource.events.max-pings-out");
        assertThatThrownBy(() -> provider.create(bad))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("6 configuration problems");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "ping-interval | 0     | must be longer than zero",
            "ping-interval | soon  | must be a duration",
            "max-pings-out | 1     | must be 2 or more, was 1",
            "max-pings-out | 0     | must be 2 or more, was 0",
            "max-pings-out | -1    | must be 2 or more, was -1",
            "max-pings-out | many  | must be an integer",
    })
    void aBadKeepAliveSettingIsAProblemOfItsKey(String key, String value, String says) {
        List<ConfigProblem> problems = provider.validate(keys("url", "nats://localhost", key, value));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.events." + key);
            assertThat(p.message()).contains(says);
        });
    }

    @Test
    void maxReconnectsBelowMinusOneIsAProblem() {
        assertThat(problemKeys(keys("url", "nats://localhost", "max-reconnects", "-2")))
                .containsExactly("nebula.resource.events.max-reconnects");
    }

    @Test
    void theEndpointHoldsNoCredential() {
        ResourceSettings s = keys("url", "nats://localhost", "username", "app", "password", "hunter2-Pass");
        assertThat(NatsEndpoint.read(s).toString()).doesNotContain("hunter2");
        assertThat(keys("url", "nats://localhost", "token", "hunter2-Token").toString()).doesNotContain("hunter2");
    }
}
