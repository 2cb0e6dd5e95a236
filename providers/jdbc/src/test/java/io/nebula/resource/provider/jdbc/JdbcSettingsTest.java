package io.nebula.resource.provider.jdbc;

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

/** Every key of a JDBC resource is checked without touching a database, and every problem names its key. */
class JdbcSettingsTest {

    private final PostgresqlProvider postgresql = new PostgresqlProvider();
    private final MariadbProvider mariadb = new MariadbProvider();
    private final MysqlProvider mysql = new MysqlProvider();
    private final H2Provider h2 = new H2Provider();

    @Test
    void defaultsWhenOnlyTheUrlIsGiven() {
        JdbcSettings jdbc = JdbcSettings.read(settings("postgresql", "url", Databases.POSTGRESQL_URL), postgresql);

        assertThat(jdbc.url()).isEqualTo(Databases.POSTGRESQL_URL);
        assertThat(jdbc.username()).isEmpty();
        assertThat(jdbc.schema()).isEmpty();
        assertThat(jdbc.driverProperties()).isEmpty();
        assertThat(jdbc.minSize()).isZero();
        assertThat(jdbc.maxSize()).isEqualTo(10);
        assertThat(jdbc.acquireTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(jdbc.leakThreshold()).isZero();
        assertThat(jdbc.validationBypass()).isEqualTo(Duration.ofMillis(500));
        assertThat(jdbc.keepaliveInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(jdbc.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(jdbc.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(jdbc.loginTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(jdbc.validationTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(jdbc.probeQuery()).isEqualTo("SELECT 1");
    }

    @Test
    void readsEveryKey() {
        JdbcSettings jdbc = JdbcSettings.read(settings("mariadb", "url", Databases.MARIADB_URL, "username", "app",
                "schema", "orders", "properties.sslMode", "disable", "properties.connectTimeout", "2000",
                "pool.min-size", "2", "pool.max-size", "4", "pool.acquire-timeout", "750ms",
                "pool.leak-threshold", "1m", "pool.validation-bypass", "0", "pool.keepalive-interval", "0",
                "pool.idle-timeout", "PT5M", "pool.max-lifetime", "1h", "login-timeout", "3s",
                "validation-timeout", "2s", "validation-query", "SELECT 2"), mariadb);

        assertThat(jdbc.username()).contains("app");
        assertThat(jdbc.schema()).contains("orders");
        assertThat(jdbc.driverProperties()).containsExactlyInAnyOrderEntriesOf(
                Map.of("sslMode", "disable", "connectTimeout", "2000"));
        assertThat(jdbc.minSize()).isEqualTo(2);
        assertThat(jdbc.maxSize()).isEqualTo(4);
        assertThat(jdbc.acquireTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(jdbc.leakThreshold()).isEqualTo(Duration.ofMinutes(1));
        assertThat(jdbc.validationBypass()).isZero();
        assertThat(jdbc.keepaliveInterval()).isZero();
        assertThat(jdbc.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(jdbc.maxLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(jdbc.loginTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(jdbc.validationTimeoutSeconds()).isEqualTo(2);
        assertThat(jdbc.probeQuery()).isEqualTo("SELECT 2");
    }

    @Test
    void urlIsRequiredForServerDatabases() {
        assertThat(problems(postgresql, settings("postgresql"))).singleElement()
                .satisfies(p -> assertThat(p.key()).isEqualTo("nebula.resource.db.url"))
                .satisfies(p -> assertThat(p.message()).contains("required", "jdbc:postgresql://localhost:5432/orders"));
        assertThat(problems(mariadb, settings("mariadb"))).extracting(ConfigProblem::key)
                .containsExactly("nebula.resource.db.url");
        assertThat(problems(mysql, settings("mysql"))).singleElement()
                .satisfies(p -> assertThat(p.key()).isEqualTo("nebula.resource.db.url"))
                .satisfies(p -> assertThat(p.message()).contains("jdbc:mysql://localhost:3306/orders"));
    }

    @Test
    void aMysqlUrlIsTheMysqlKinds() {
        String url = "jdbc:mysql://db.internal:3306/orders?useSSL=false";
        assertThat(problems(mysql, settings("mysql", "url", url))).isEmpty();
        assertThat(JdbcSettings.read(settings("mysql", "url", url), mysql).url()).isEqualTo(url);
    }

    @Test
    void h2DefaultsToAnInMemoryDatabaseNamedAfterTheResource() {
        assertThat(JdbcSettings.read(settings("h2"), h2).url()).isEqualTo("jdbc:h2:mem:db;DB_CLOSE_DELAY=-1");
        assertThat(JdbcSettings.read(settings("h2", "url", "jdbc:h2:file:./data/orders"), h2).url())
                .isEqualTo("jdbc:h2:file:./data/orders");
    }

    @ParameterizedTest
    @CsvSource({
            "postgresql, jdbc:mariadb://localhost/test, jdbc:mariadb:",
            "postgresql, postgresql://localhost/test, postgresql:",
            "mariadb, jdbc:mysql://localhost/test, jdbc:mysql:",
            "mysql, jdbc:mariadb://localhost/test, jdbc:mariadb:",
            "mysql, jdbc:postgresql://localhost/test, jdbc:postgresql:",
            "h2, jdbc:postgresql://localhost/test, jdbc:postgresql:",
            "h2, mem:orders, mem:"})
    void urlMustHaveTheKindsPrefix(String kind, String url, String shownScheme) {
        JdbcProvider provider = switch (kind) {
            case "postgresql" -> postgresql;
            case "mariadb" -> mariadb;
            case "mysql" -> mysql;
            default -> h2;
        };
        assertThat(problems(provider, settings(kind, "url", url))).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.db.url");
            assertThat(p.message()).contains("jdbc:" + kind + ":", "was a '" + shownScheme + "' URL");
        });
    }

    @Test
    void aBadUrlIsNotEchoedSinceItMayHoldAPassword() {
        List<ConfigProblem> problems = problems(postgresql,
                settings("postgresql", "url", "pgsql://db/orders?user=app&password=Url-Secret-42"));
        assertThat(problems.toString()).contains("nebula.resource.db.url").doesNotContain("Url-Secret-42");
    }

    @ParameterizedTest
    @CsvSource({"'public; DROP TABLE orders'", "1orders", "'or ders'", "'a`b'"})
    void schemaMustBeAPlainIdentifier(String schema) {
        assertThat(problems(h2, settings("h2", "schema", schema))).extracting(ConfigProblem::key)
                .containsExactly("nebula.resource.db.schema");
    }

    @ParameterizedTest
    @CsvSource({
            "pool.max-size, 0, must be at least 1",
            "pool.max-size, ten, must be an integer",
            "pool.min-size, -1, must be 0 or more",
            "pool.acquire-timeout, forever, must be a duration",
            "pool.leak-threshold, -1s, 'must not be negative, was ''-1s'''",
            "pool.validation-bypass, x, must be a duration",
            "pool.keepalive-interval, 2 minutes, must be a duration",
            "pool.idle-timeout, 10 min, must be a duration",
            "pool.max-lifetime, 1y, must be a duration",
            "login-timeout, 500ms, at least 1s",
            "validation-timeout, 0, at least 1s",
            "validation-timeout, 999ms, at least 1s"})
    void eachBadValueIsAProblemNamingItsKey(String key, String value, String message) {
        assertThat(problems(h2, settings("h2", key, value))).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.db." + key);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void minSizeMustNotExceedMaxSize() {
        assertThat(problems(h2, settings("h2", "pool.min-size", "5", "pool.max-size", "2"))).singleElement()
                .satisfies(p -> assertThat(p).hasToString(
                        "nebula.resource.db.pool.min-size: must not exceed pool.max-size (2), was 5"));
    }

    @Test
    void loginTimeoutDefaultsToNoMoreThanTheAcquireTimeout() {
        assertThat(JdbcSettings.read(settings("h2", "pool.acquire-timeout", "3500ms"), h2).loginTimeout())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(JdbcSettings.read(settings("h2", "pool.acquire-timeout", "1m"), h2).loginTimeout())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(JdbcSettings.read(settings("h2", "pool.acquire-timeout", "0"), h2).loginTimeout())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(JdbcSettings.read(settings("h2", "pool.acquire-timeout", "2s", "login-timeout", "5s"), h2)
                .loginTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void zeroTurnsTimeoutsOffOrMeansFailFast() {
        JdbcSettings jdbc = JdbcSettings.read(settings("h2", "pool.acquire-timeout", "0", "pool.idle-timeout", "0",
                "pool.max-lifetime", "0", "login-timeout", "0"), h2);
        assertThat(List.of(jdbc.acquireTimeout(), jdbc.idleTimeout(), jdbc.maxLifetime(), jdbc.loginTimeout()))
                .allMatch(Duration::isZero);
    }

    @Test
    void aDriverPropertyNeedsAName() {
        assertThat(problems(h2, settings("h2", "properties.", "x"))).extracting(ConfigProblem::key)
                .containsExactly("nebula.resource.db.properties.");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ResourceSettings bad = settings("postgresql", "url", "mysql://x", "schema", "a b", "pool.max-size", "-3",
                "pool.acquire-timeout", "soon", "pool.max-lifetime", "never", "validation-timeout", "0");

        assertThatThrownBy(() -> JdbcSettings.read(bad, postgresql))
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key)
                        .containsExactlyInAnyOrder("nebula.resource.db.url", "nebula.resource.db.schema",
                                "nebula.resource.db.pool.max-size", "nebula.resource.db.pool.acquire-timeout",
                                "nebula.resource.db.pool.max-lifetime", "nebula.resource.db.validation-timeout"))
                .hasMessageStartingWith("6 configuration problems");
    }

    @Test
    void secretsInDriverPropertiesAreMaskedInTheSettingsAndNeverInProblems() {
        ResourceSettings s = settings("postgresql", "url", "jdbc:postgresql://h/db", "password", "Pw-Secret-1",
                "properties.password", "Prop-Secret-2", "pool.max-size", "none");
        assertThat(s.toString()).doesNotContain("Pw-Secret-1", "Prop-Secret-2");
        assertThat(problems(postgresql, s).toString()).doesNotContain("Pw-Secret-1", "Prop-Secret-2");
    }

    private static List<ConfigProblem> problems(JdbcProvider provider, ResourceSettings settings) {
        return provider.validate(settings);
    }

    private static ResourceSettings settings(String kind, String... keyValues) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return ResourceSettings.of("db", kind, values);
    }
}
