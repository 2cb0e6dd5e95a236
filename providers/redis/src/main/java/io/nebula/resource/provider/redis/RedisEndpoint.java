package io.nebula.resource.provider.redis;

import io.lettuce.core.RedisURI;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.ConfigKey;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where and how a resource reaches Redis, read from its keys. Holds no credential: those are read
 * from the settings when a connection is made, so a rotated password reaches the next connection.
 * Its {@code toString()} is therefore safe to log and to key shared state with.
 */
record RedisEndpoint(String host, int port, int database, boolean ssl, String username, Duration timeout,
                     Duration connectTimeout, String clientName) {

    static final String URL = "url";
    static final String HOST = "host";
    static final String PORT = "port";
    static final String DATABASE = "database";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String TIMEOUT = "timeout";
    static final String CONNECT_TIMEOUT = "connect-timeout";
    static final String CLIENT_NAME = "client-name";

    static final int DEFAULT_PORT = 6379;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final int DEFAULT_DATABASE = 0;

    /** The keys read here, described (docs/configuration.md is made from them). */
    static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.string(URL, null, "redis://host:port/database, or rediss:// for TLS; required unless host is"
                    + " set. No credentials or query."),
            ConfigKey.string(HOST, null, "Server host, instead of url."),
            ConfigKey.integer(PORT, DEFAULT_PORT, "Server port (1-65535), with host."),
            ConfigKey.integer(DATABASE, DEFAULT_DATABASE, "Database number (0 or more), with host."),
            ConfigKey.string(USERNAME, null, "ACL user (Redis 6+); needs password."),
            ConfigKey.string(PASSWORD, null, "The password (of username, or of the default user)."),
            ConfigKey.duration(TIMEOUT, DEFAULT_TIMEOUT, "Command timeout of the synchronous API; also bounds a"
                    + " health check and the reset of a dedicated connection (longer than 0). The same key bounds"
                    + " one acquisition attempt (fault tolerance, above)."),
            ConfigKey.duration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, "How long connecting may take (longer than"
                    + " 0)."),
            ConfigKey.string(CLIENT_NAME, null, "Name shown by CLIENT LIST (no spaces)."));

    /**
     * Reads and checks every key, recording each problem in {@code problems}; returns {@code null}
     * when there is one.
     */
    static RedisEndpoint read(ResourceSettings settings, ConfigProblems problems) {
        Target target = settings.has(URL) ? fromUrl(settings, problems) : fromKeys(settings, problems);
        String username = settings.string(USERNAME).orElse(null);
        if (username != null && settings.secret(PASSWORD).isEmpty()) {
            problems.add(settings.keyOf(PASSWORD), "is required when " + settings.keyOf(USERNAME) + " is set");
        }
        Duration timeout = positive(settings, TIMEOUT, DEFAULT_TIMEOUT, problems);
        Duration connectTimeout = positive(settings, CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, problems);
        String clientName = settings.string(CLIENT_NAME).orElse(null);
        if (clientName != null && !clientName.chars().allMatch(c -> c > ' ' && c < 127)) {
            // Redis refuses such a name at CLIENT SETNAME, i.e. on every connect: say so now
            problems.add(settings.keyOf(CLIENT_NAME), "must not contain spaces or special characters, was '" + clientName + "'");
        }
        if (target == null || timeout == null || connectTimeout == null || !problems.isEmpty()) {
            return null;
        }
        return new RedisEndpoint(target.host, target.port, target.database, target.ssl, username, timeout,
                connectTimeout, clientName);
    }

    /** Reads the endpoint; throws every problem found at once. */
    static RedisEndpoint read(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        RedisEndpoint endpoint = read(settings, problems);
        problems.throwIfAny();
        return endpoint;
    }

    /** The Lettuce URI with the credential as configured now. */
    RedisURI uri(Optional<Secret> password) {
        RedisURI.Builder b = RedisURI.Builder.redis(host, port)
                .withDatabase(database)
                .withSsl(ssl)
                .withTimeout(timeout);
        password.ifPresent(p -> {
            if (username == null) {
                b.withPassword(p.reveal().toCharArray());
            } else {
                b.withAuthentication(username, p.reveal());
            }
        });
        if (clientName != null) {
            b.withClientName(clientName);
        }
        return b.build();
    }

    private record Target(String host, int port, int database, boolean ssl) {
    }

    private static Target fromUrl(ResourceSettings settings, ConfigProblems problems) {
        String key = settings.keyOf(URL);
        for (String other : new String[] {HOST, PORT, DATABASE}) {
            if (settings.has(other)) {
                problems.add(settings.keyOf(other), "must not be set together with " + key + "; set either the URL or host/port/database");
            }
        }
        // The URL value is never echoed: a user may have put a password in it.
        URI uri;
        try {
            uri = new URI(settings.required(URL));
        } catch (URISyntaxException e) {
            problems.add(key, "is not a valid URL (" + e.getReason() + "); expected redis://host:port/database");
            return null;
        }
        String scheme = uri.getScheme();
        if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
            problems.add(key, "must use the scheme redis:// or rediss:// (TLS), was " + (scheme == null ? "none" : "'" + scheme + "'"));
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            problems.add(key, "must not carry credentials; set " + settings.keyOf(USERNAME) + " and " + settings.keyOf(PASSWORD)
                    + " (a secret) instead");
        }
        if (uri.getRawQuery() != null) {
            problems.add(key, "must not have query parameters; use the keys " + TIMEOUT + ", " + CLIENT_NAME + " and the path for the database");
        }
        if (uri.getHost() == null) {
            problems.add(key, "must name a host, as in redis://localhost:6379/0");
            return null;
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            problems.add(key, "has port " + port + ", which is not between 1 and 65535");
        }
        int database = 0;
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/")) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                problems.add(key, "has path '" + path + "'; the path is the database number, as in redis://localhost:6379/0");
            }
        }
        return new Target(uri.getHost(), port, database, "rediss".equalsIgnoreCase(scheme));
    }

    private static Target fromKeys(ResourceSettings settings, ConfigProblems problems) {
        String host = settings.string(HOST).orElse(null);
        if (host == null) {
            problems.add(settings.keyOf(URL), "is required (redis://host:port/database), or set " + settings.keyOf(HOST));
        }
        Integer port = problems.read(() -> settings.intValue(PORT, DEFAULT_PORT));
        if (port != null && (port < 1 || port > 65535)) {
            problems.add(settings.keyOf(PORT), "must be between 1 and 65535, was " + port);
        }
        Integer database = problems.read(() -> settings.intValue(DATABASE, DEFAULT_DATABASE));
        if (database != null && database < 0) {
            problems.add(settings.keyOf(DATABASE), "must be 0 or more, was " + database);
        }
        return host == null || port == null || database == null ? null : new Target(host, port, database, false);
    }

    private static Duration positive(ResourceSettings settings, String key, Duration defaultValue, ConfigProblems problems) {
        Duration d = problems.read(() -> settings.duration(key, defaultValue));
        if (d != null && d.isZero()) {
            problems.add(settings.keyOf(key), "must be longer than zero");
            return null;
        }
        return d;
    }
}
