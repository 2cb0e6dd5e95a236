package io.nebula.resource;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceSettingsTest {

    private final ResourceSettings settings = ResourceSettings.of("orders-db", "postgresql", Map.of(
            "url", "jdbc:postgresql://localhost/orders",
            "password", "hunter2-Secret",
            "headers.x-api-key", "key-Secret",
            "pool.max-size", "20",
            "pool.min-size", "two",
            "pool.acquire-timeout", "250ms",
            "pool.idle-timeout", "PT10M",
            "pool.max-lifetime", "soon",
            "pool.warmup", "maybe"));

    @Test
    void typedGettersReadValuesAndDefaults() {
        assertThat(settings.intValue("pool.max-size", 10)).isEqualTo(20);
        assertThat(settings.intValue("pool.absent", 10)).isEqualTo(10);
        assertThat(settings.duration("pool.acquire-timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.duration("pool.idle-timeout", Duration.ZERO)).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.string("url")).contains("jdbc:postgresql://localhost/orders");
        assertThat(settings.secret("password")).map(Secret::reveal).contains("hunter2-Secret");
    }

    @Test
    void durationsAcceptUnitsAndIsoAndRejectTheRest() {
        assertThat(ResourceSettings.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ResourceSettings.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ResourceSettings.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ResourceSettings.parseDuration("1500")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ResourceSettings.parseDuration("pt1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(ResourceSettings.parseDuration("-PT1S")).isNull();
        assertThat(ResourceSettings.parseDuration("soon")).isNull();
    }

    @Test
    void badValuesNameTheFullKeyAndTheExpectedForm() {
        assertThatThrownBy(() -> settings.intValue("pool.min-size", 0))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.orders-db.pool.min-size")
                .hasMessageContaining("integer")
                .hasMessageContaining("'two'");
        assertThatThrownBy(() -> settings.bool("pool.warmup", false))
                .hasMessageContaining("nebula.resource.orders-db.pool.warmup")
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> settings.required("username"))
                .hasMessageContaining("nebula.resource.orders-db.username: is required");
    }

    @Test
    void problemsAreCollectedAllAtOnce() {
        ConfigProblems problems = new ConfigProblems();
        problems.read(() -> settings.intValue("pool.min-size", 0));
        problems.read(() -> settings.duration("pool.max-lifetime", Duration.ZERO));
        Integer max = problems.read(() -> settings.intValue("pool.max-size", 0));
        assertThat(max).isEqualTo(20);
        assertThatThrownBy(problems::throwIfAny)
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key)
                        .containsExactly("nebula.resource.orders-db.pool.min-size",
                                "nebula.resource.orders-db.pool.max-lifetime"))
                .hasMessageStartingWith("2 configuration problems");
    }

    @Test
    void secretsAreMaskedInToStringAndInErrors() {
        assertThat(settings.toString()).doesNotContain("hunter2-Secret").doesNotContain("key-Secret")
                .contains("password=" + Secret.MASK).contains("url=jdbc:postgresql://localhost/orders");
        ResourceSettings bad = settings.with("password", "notANumber-Secret");
        assertThatThrownBy(() -> bad.intValue("password", 0)).hasMessageNotContaining("notANumber-Secret");
        assertThat(Secret.of("x").toString()).isEqualTo(Secret.MASK);
        assertThat(ResourceSettings.isSecretKey("properties.sslpassword")).isTrue();
        assertThat(ResourceSettings.isSecretKey("properties.ssl-password")).isTrue();
        assertThat(ResourceSettings.isSecretKey("token")).isTrue();
        assertThat(ResourceSettings.isSecretKey("url")).isFalse();
        assertThat(ResourceSettings.isSecretKey("headers.Authorization")).isTrue();
        assertThat(ResourceSettings.isSecretKey("headers.Proxy-Authorization")).isTrue();
        assertThat(ResourceSettings.isSecretKey("headers.Accept")).isFalse();
    }

    @Test
    void settingsAreImmutableAndDerivable() {
        ResourceSettings derived = settings.with("pool.max-size", "50");
        assertThat(derived.intValue("pool.max-size", 0)).isEqualTo(50);
        assertThat(settings.intValue("pool.max-size", 0)).isEqualTo(20);
        assertThat(derived.with("pool.max-size", null).has("pool.max-size")).isFalse();
    }

    @Test
    void messagesShowValuesAsAUserWritesThem() {
        assertThat(ResourceSettings.text(Duration.ofMillis(1))).isEqualTo("1ms");
        assertThat(ResourceSettings.text(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ResourceSettings.text(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(ResourceSettings.text(Duration.ofNanos(1500))).isEqualTo("1500ns");
        assertThat(ResourceSettings.text(Duration.ZERO)).isEqualTo("0");
        assertThat(ResourceSettings.text(2.0)).isEqualTo("2");
        assertThat(ResourceSettings.text(0.5)).isEqualTo("0.5");
    }

    @Test
    void aNegativeDurationIsSaidToBeNegative() {
        ResourceSettings s = ResourceSettings.of("db", "h2", Map.of("pool.idle-timeout", "-5s", "retry.delay", "PT-1S"));
        assertThatThrownBy(() -> s.duration("pool.idle-timeout", Duration.ZERO))
                .hasMessageContaining("nebula.resource.db.pool.idle-timeout").hasMessageContaining("must not be negative, was '-5s'");
        assertThatThrownBy(() -> s.duration("retry.delay", Duration.ZERO)).hasMessageContaining("must not be negative");
    }
}
