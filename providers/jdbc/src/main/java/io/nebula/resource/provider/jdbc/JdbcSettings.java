package io.nebula.resource.provider.jdbc;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ConfigKey;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The keys of one JDBC resource, read and checked once. Holds no secret: the user name and password are
 * asked of the resource's {@link io.nebula.resource.spi.Credentials} each time a connection is opened.
 * {@code sessionReset} holds the statements run on every connection given back ({@code session.reset},
 * on by default for a resource of scope {@code tenant}; {@code session.reset-sql} replaces the kind's own),
 * empty when sessions are not reset.
 *
 * <p>Defaults follow HikariCP's where Agroal has none (Agroal waits forever for a connection and never
 * retires one by default; a resource here never waits forever).
 */
record JdbcSettings(
        String url,
        Optional<String> username,
        Optional<String> schema,
        Map<String, String> driverProperties,
        int minSize,
        int maxSize,
        Duration acquireTimeout,
        Duration leakThreshold,
        Duration validationBypass,
        Duration keepaliveInterval,
        Duration idleTimeout,
        Duration maxLifetime,
        Duration loginTimeout,
        Duration validationTimeout,
        Optional<String> validationQuery,
        List<String> sessionReset,
        boolean agroalMetrics) {

    static final String URL = "url";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String SCHEMA = "schema";
    static final String PROPERTIES = "properties.";
    static final String LOGIN_TIMEOUT = "login-timeout";
    static final String VALIDATION_TIMEOUT = "validation-timeout";
    static final String VALIDATION_QUERY = "validation-query";
    static final String MIN_SIZE = "pool.min-size";
    static final String MAX_SIZE = "pool.max-size";
    static final String ACQUIRE_TIMEOUT = "pool.acquire-timeout";
    static final String LEAK_THRESHOLD = "pool.leak-threshold";
    static final String VALIDATION_BYPASS = "pool.validation-bypass";
    static final String KEEPALIVE_INTERVAL = "pool.keepalive-interval";
    static final String IDLE_TIMEOUT = "pool.idle-timeout";
    static final String MAX_LIFETIME = "pool.max-lifetime";
    static final String SESSION_RESET = "session.reset";
    static final String SESSION_RESET_SQL = "session.reset-sql";
    /** Agroal's own metrics (acquisition and creation times on top of the counts): off, as they read the clock on every acquisition. */
    static final String AGROAL_METRICS = "agroal.metrics";
    /** The resource's scope, read here only to reset sessions by default for {@code scope=tenant}. */
    static final String SCOPE = "scope";

    static final int DEFAULT_MIN_SIZE = 0;
    static final int DEFAULT_MAX_SIZE = 10;
    static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_VALIDATION_BYPASS = Duration.ofMillis(500);
    static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofMinutes(2);
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);
    static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(5);
    static final boolean DEFAULT_AGROAL_METRICS = false;

    /**
     * The keys a resource of {@code kind} reads here, described (docs/configuration.md is made from them). The
     * {@code pool.*} keys are the engine's, listed there once.
     */
    static List<ConfigKey> definitions(JdbcProvider kind) {
        String defaultUrl = kind.defaultUrl("<name>");
        ConfigKey url = ConfigKey.string(URL, defaultUrl, "JDBC URL; must start with the kind's prefix, jdbc:<kind>:"
                + (defaultUrl == null ? "" : " (file and server URLs work too)") + ".");
        return List.of(defaultUrl == null ? url.asRequired() : url,
                ConfigKey.string(USERNAME, null, "Database user (the driver's default when not set); may come from"
                        + " the resource's credential source instead."),
                ConfigKey.string(PASSWORD, null, "The user's password, fetched from the credential source each time a"
                        + " connection is opened, so a rotated password applies from the next connection on."),
                ConfigKey.string(SCHEMA, null, "Schema new connections start in (the user's default when not set);"
                        + " a plain identifier."),
                ConfigKey.map(PROPERTIES, "properties.<name>: a driver property, passed as is; one whose last part"
                        + " names a password, secret, token or credential is a secret."),
                ConfigKey.duration(LOGIN_TIMEOUT, null, "How long opening one connection may take (whole seconds; 0"
                        + " for the driver's default). Without the key: " + ResourceSettings.text(DEFAULT_LOGIN_TIMEOUT)
                        + ", or pool.acquire-timeout (in whole seconds) when that is between 1s and "
                        + ResourceSettings.text(DEFAULT_LOGIN_TIMEOUT) + "."),
                ConfigKey.duration(VALIDATION_TIMEOUT, DEFAULT_VALIDATION_TIMEOUT, "Bound of a validation and of a"
                        + " health check's query (whole seconds, at least 1s)."),
                ConfigKey.string(VALIDATION_QUERY, null, "Query that validates a connection and that the deep health"
                        + " check runs; without it, the driver's Connection.isValid."),
                ConfigKey.bool(SESSION_RESET, false, "Reset each connection's session as it is given back (PostgreSQL"
                        + " DISCARD ALL, ...). Without the key: true for scope=tenant, else false.").withoutDefault(),
                ConfigKey.string(SESSION_RESET_SQL, null, "Statements, separated by ';', run instead of the kind's"
                        + " when sessions are reset."),
                ConfigKey.bool(AGROAL_METRICS, DEFAULT_AGROAL_METRICS, "Agroal's own metrics (acquisition and"
                        + " creation times); off by default because they read the clock twice per getConnection()."));
    }

    /** A schema is spliced into a SET statement, so only plain identifiers are accepted. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    /**
     * Reads and checks every key of a resource of the given kind.
     *
     * @throws io.nebula.resource.ConfigurationInvalidException listing every problem found
     */
    static JdbcSettings read(ResourceSettings settings, JdbcProvider kind) {
        ConfigProblems problems = new ConfigProblems();

        String url = settings.string(URL).orElseGet(() -> kind.defaultUrl(settings.name()));
        if (url == null) {
            problems.add(settings.keyOf(URL), "is required for kind " + kind.kind() + ", e.g. " + kind.exampleUrl());
        } else if (!url.startsWith(kind.urlPrefix())) {
            // The URL itself is not echoed: its query string may carry a password.
            problems.add(settings.keyOf(URL), "must be a JDBC URL starting with '" + kind.urlPrefix() + "' for kind "
                    + kind.kind() + " (e.g. " + kind.exampleUrl() + "), was " + describeScheme(url));
        }

        Optional<String> schema = settings.string(SCHEMA);
        if (schema.isPresent() && !IDENTIFIER.matcher(schema.get()).matches()) {
            problems.add(settings.keyOf(SCHEMA), "must be a plain identifier (letters, digits, _ and $, not starting"
                    + " with a digit, at most 63 characters), was '" + schema.get() + "'");
        }

        Map<String, String> driverProperties = new TreeMap<>();
        for (String key : settings.keys()) {
            if (key.startsWith(PROPERTIES)) {
                String property = key.substring(PROPERTIES.length());
                if (property.isBlank()) {
                    problems.add(settings.keyOf(key), "must name a driver property, as in properties.ssl=true");
                } else {
                    driverProperties.put(property, settings.asMap().get(key));
                }
            }
        }

        Integer minSize = problems.read(() -> settings.intValue(MIN_SIZE, DEFAULT_MIN_SIZE));
        Integer maxSize = problems.read(() -> settings.intValue(MAX_SIZE, DEFAULT_MAX_SIZE));
        if (maxSize != null && maxSize < 1) {
            problems.add(settings.keyOf(MAX_SIZE), "must be at least 1, was " + maxSize);
        }
        if (minSize != null && minSize < 0) {
            problems.add(settings.keyOf(MIN_SIZE), "must be 0 or more, was " + minSize);
        }
        if (minSize != null && maxSize != null && maxSize >= 1 && minSize > maxSize) {
            problems.add(settings.keyOf(MIN_SIZE), "must not exceed " + MAX_SIZE + " (" + maxSize + "), was " + minSize);
        }

        Duration acquireTimeout = problems.read(() -> settings.duration(ACQUIRE_TIMEOUT, DEFAULT_ACQUIRE_TIMEOUT));
        Duration leakThreshold = problems.read(() -> settings.duration(LEAK_THRESHOLD, Duration.ZERO));
        Duration validationBypass = problems.read(() -> settings.duration(VALIDATION_BYPASS, DEFAULT_VALIDATION_BYPASS));
        Duration keepalive = problems.read(() -> settings.duration(KEEPALIVE_INTERVAL, DEFAULT_KEEPALIVE_INTERVAL));
        Duration idleTimeout = problems.read(() -> settings.duration(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT));
        Duration maxLifetime = problems.read(() -> settings.duration(MAX_LIFETIME, DEFAULT_MAX_LIFETIME));
        // Opening a connection should not outlast waiting for one: Agroal warns when it may, and a caller
        // who would wait 2s for a connection should not wait 10s for the database to answer.
        Duration defaultLogin = acquireTimeout != null && acquireTimeout.toSeconds() >= 1
                && acquireTimeout.compareTo(DEFAULT_LOGIN_TIMEOUT) < 0
                ? Duration.ofSeconds(acquireTimeout.toSeconds()) : DEFAULT_LOGIN_TIMEOUT;
        Duration loginTimeout = problems.read(() -> settings.duration(LOGIN_TIMEOUT, defaultLogin));
        Duration validationTimeout = problems.read(() -> settings.duration(VALIDATION_TIMEOUT, DEFAULT_VALIDATION_TIMEOUT));
        // JDBC counts login, isValid and query timeouts in whole seconds, where 0 means "wait forever".
        if (loginTimeout != null && loginTimeout.toSeconds() == 0 && !loginTimeout.isZero()) {
            problems.add(settings.keyOf(LOGIN_TIMEOUT), "must be 0 (the driver's default) or at least 1s, as JDBC"
                    + " counts it in whole seconds, was " + ResourceSettings.text(loginTimeout));
        }
        if (validationTimeout != null && validationTimeout.toSeconds() == 0) {
            problems.add(settings.keyOf(VALIDATION_TIMEOUT), "must be at least 1s, as JDBC counts it in whole"
                    + " seconds, was " + ResourceSettings.text(validationTimeout));
        }

        boolean tenantScoped = settings.string(SCOPE).map(v -> v.equalsIgnoreCase("tenant")).orElse(false);
        Boolean reset = problems.read(() -> settings.bool(SESSION_RESET, tenantScoped));
        List<String> resetStatements = List.of();
        if (Boolean.TRUE.equals(reset)) {
            resetStatements = settings.string(SESSION_RESET_SQL)
                    .map(sql -> Arrays.stream(sql.split(";")).map(String::trim).filter(st -> !st.isEmpty()).toList())
                    .orElseGet(() -> kind.resetStatements(schema));
        }

        Boolean agroalMetrics = problems.read(() -> settings.bool(AGROAL_METRICS, DEFAULT_AGROAL_METRICS));

        problems.throwIfAny();
        return new JdbcSettings(url, settings.string(USERNAME), schema, Map.copyOf(driverProperties),
                minSize, maxSize, acquireTimeout, leakThreshold, validationBypass, keepalive, idleTimeout,
                maxLifetime, loginTimeout, validationTimeout, settings.string(VALIDATION_QUERY), resetStatements,
                agroalMetrics);
    }

    /** The query of a deep check: the configured validation query, or {@code SELECT 1}. */
    String probeQuery() {
        return validationQuery.orElse("SELECT 1");
    }

    /** The validation timeout in the whole seconds JDBC wants (at least one: {@link #read} checks it). */
    int validationTimeoutSeconds() {
        return (int) Math.min(Integer.MAX_VALUE, validationTimeout.toSeconds());
    }

    private static String describeScheme(String url) {
        int first = url.indexOf(':');
        if (first < 0) {
            return "not a URL";
        }
        int second = url.indexOf(':', first + 1);
        String scheme = url.startsWith("jdbc:") && second > 0 ? url.substring(0, second + 1) : url.substring(0, first + 1);
        return "a '" + scheme + "' URL";
    }
}
