package io.nebula.resource.provider.rabbitmq;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every key is checked before a connection is tried, and each problem names its full key. */
class RabbitSettingsTest {

    private final RabbitMqProvider provider = new RabbitMqProvider();

    private static ResourceSettings keys(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return ResourceSettings.of("jobs", "rabbitmq", values);
    }

    private List<String> problemKeys(ResourceSettings settings) {
        return provider.validate(settings).stream().map(ConfigProblem::key).toList();
    }

    @Test
    void aUriGivesHostPortVirtualHostAndUser() {
        RabbitEndpoint e = RabbitEndpoint.read(keys("uri", "amqp://app@broker.example:5673/orders", "password", "pw"));
        assertThat(e.host()).isEqualTo("broker.example");
        assertThat(e.port()).isEqualTo(5673);
        assertThat(e.virtualHost()).isEqualTo("orders");
        assertThat(e.username()).isEqualTo("app");
        assertThat(e.tls()).isFalse();
        assertThat(e.address()).isEqualTo("amqp://broker.example:5673/orders");
    }

    @Test
    void aUriWithoutPortOrPathUsesTheDefaults() {
        RabbitEndpoint e = RabbitEndpoint.read(keys("uri", "amqp://localhost"));
        assertThat(e.port()).isEqualTo(5672);
        assertThat(e.virtualHost()).isEqualTo("/");
        assertThat(e.username()).isNull();
        assertThat(e.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(e.requestedHeartbeat()).isEqualTo(Duration.ofSeconds(60));
        assertThat(e.rpcTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void amqpsMeansTlsOnPort5671() {
        RabbitEndpoint e = RabbitEndpoint.read(keys("uri", "amqps://broker.example"));
        assertThat(e.tls()).isTrue();
        assertThat(e.port()).isEqualTo(5671);
    }

    @Test
    void anEncodedSlashIsTheDefaultVirtualHost() {
        assertThat(RabbitEndpoint.read(keys("uri", "amqp://localhost/%2F")).virtualHost()).isEqualTo("/");
        assertThat(RabbitEndpoint.read(keys("uri", "amqp://localhost/")).virtualHost()).isEqualTo("/");
    }

    @Test
    void hostKeysReplaceTheUri() {
        RabbitEndpoint e = RabbitEndpoint.read(keys("host", "10.0.0.9", "port", "5673", "virtual-host", "billing",
                "username", "app", "password", "pw", "connection-timeout", "3s", "requested-heartbeat", "0",
                "rpc-timeout", "500ms", "connection-name", "orders service"));
        assertThat(e).isEqualTo(new RabbitEndpoint("10.0.0.9", 5673, "billing", false, "app", Duration.ofSeconds(3),
                Duration.ZERO, Duration.ofMillis(500), "orders service"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://localhost            | scheme amqp:// or amqps://",
            "amqp://localhost:99999/     | not between 1 and 65535",
            "amqp://localhost/a/b        | several segments",
            "amqp:///orders              | must name a host",
            "amqp://local host           | not a valid URI",
            "amqp://localhost?heartbeat=5 | must not have query parameters",
    })
    void aBadUriIsAProblemOfTheUriKey(String uri, String says) {
        List<ConfigProblem> problems = provider.validate(keys("uri", uri));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.jobs.uri");
            assertThat(p.message()).contains(says);
        });
    }

    @Test
    void aPasswordInTheUriIsRefusedAndNeverEchoed() {
        List<ConfigProblem> problems = provider.validate(keys("uri", "amqp://app:hunter2-Pass@localhost/"));
        assertThat(problems).extracting(ConfigProblem::key).contains("nebula.resource.jobs.uri");
        assertThat(problems.toString()).doesNotContain("hunter2").contains("nebula.resource.jobs.password");
    }

    @Test
    void aUserNeedsAPassword() {
        assertThat(problemKeys(keys("uri", "amqp://app@localhost"))).containsExactly("nebula.resource.jobs.password");
        assertThat(problemKeys(keys("uri", "amqp://localhost", "username", "app"))).containsExactly("nebula.resource.jobs.password");
        assertThat(problemKeys(keys("uri", "amqp://localhost", "username", "app", "password", "pw"))).isEmpty();
    }

    @Test
    void aUserInTheUriAndInTheUsernameKeyIsAmbiguous() {
        assertThat(problemKeys(keys("uri", "amqp://app@localhost", "username", "other", "password", "pw")))
                .containsExactly("nebula.resource.jobs.username");
    }

    @Test
    void neitherUriNorHostIsAProblemOfTheUriKey() {
        assertThat(problemKeys(keys("virtual-host", "orders"))).containsExactly("nebula.resource.jobs.uri");
    }

    @Test
    void uriAndHostKeysTogetherAreAmbiguous() {
        assertThat(problemKeys(keys("uri", "amqp://localhost", "host", "other", "virtual-host", "x")))
                .containsExactlyInAnyOrder("nebula.resource.jobs.host", "nebula.resource.jobs.virtual-host");
    }

    @Test
    void everyBadKeyIsReportedAtOnce() {
        ResourceSettings bad = keys("host", "localhost", "port", "-1", "connection-timeout", "0",
                "requested-heartbeat", "2d", "rpc-timeout", "later");
        assertThat(problemKeys(bad)).containsExactlyInAnyOrder(
                "nebula.resource.jobs.port", "nebula.resource.jobs.connection-timeout",
                "nebula.resource.jobs.requested-heartbeat", "nebula.resource.jobs.rpc-timeout");
        assertThatThrownBy(() -> provider.create(bad))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("4 configuration problems");
    }

    @Test
    void theEndpointHoldsNoPassword() {
        ResourceSettings s = keys("uri", "amqp://localhost", "username", "app", "password", "hunter2-Pass");
        assertThat(RabbitEndpoint.read(s).toString()).doesNotContain("hunter2");
        assertThat(s.toString()).doesNotContain("hunter2");
    }
}
