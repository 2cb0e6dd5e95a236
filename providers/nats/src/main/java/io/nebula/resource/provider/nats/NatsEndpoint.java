package io.nebula.resource.provider.nats;

import io.nats.client.Options;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.ConfigKey;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The servers a resource reaches and how, read from its keys. Holds no credential: password and
 * token are read from the settings when a connection is made. Its {@code toString()} is therefore
 * safe to log.
 */
record NatsEndpoint(List<String> servers, String username, Duration connectionTimeout, String connectionName,
                    int maxReconnects, Duration pingInterval, int maxPingsOut) {

    static final String URL = "url";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String TOKEN = "token";
    static final String CONNECTION_TIMEOUT = "connection-timeout";
    static final String CONNECTION_NAME = "connection-name";
    static final String MAX_RECONNECTS = "max-reconnects";
    static final String PING_INTERVAL = "ping-interval";
    static final String MAX_PINGS_OUT = "max-pings-out";

    /**
     * A flush's ping and a keep-alive ping may be unanswered at once on a healthy connection; below
     * two, jnats would take that for a stale connection and reconnect.
     */
    static final int MIN_PINGS_OUT = 2;

    static final int DEFAULT_PORT = 4222;
    private static final Set<String> SCHEMES = Set.of("nats", "tls", "ws", "wss");

    /** The keys read here, described with jnats' defaults, which apply (docs/configuration.md is made from them). */
    static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.list(URL, "Server URLs nats://host:port (also tls://, ws://, wss://), separated by commas; the"
                    + " port defaults to " + DEFAULT_PORT + ". No credentials, path or query.").asRequired(),
            ConfigKey.string(USERNAME, null, "User; needs password."),
            ConfigKey.string(PASSWORD, null, "The user's password; needs username."),
            ConfigKey.string(TOKEN, null, "Authentication token, instead of username and password."),
            ConfigKey.duration(CONNECTION_TIMEOUT, Options.DEFAULT_CONNECTION_TIMEOUT, "How long connecting to one"
                    + " server may take; also bounds the deep health check."),
            ConfigKey.string(CONNECTION_NAME, null, "Connection name the server shows (e.g. in /connz)."),
            ConfigKey.integer(MAX_RECONNECTS, Options.DEFAULT_MAX_RECONNECT, "Reconnect attempts after a connection"
                    + " is lost before it is closed for good; -1 for ever, 0 never."),
            ConfigKey.duration(PING_INTERVAL, Options.DEFAULT_PING_INTERVAL, "How often the client pings the server"
                    + " to learn that a quiet connection is still alive (longer than 0)."),
            ConfigKey.integer(MAX_PINGS_OUT, Options.DEFAULT_MAX_PINGS_OUT, "Pings that may wait for their answer at"
                    + " once before the connection is taken for stale; at least " + MIN_PINGS_OUT + "."));

    /**
     * Reads and checks every key, recording each problem in {@code problems}; returns {@code null}
     * when there is one.
     */
    static NatsEndpoint read(ResourceSettings settings, ConfigProblems problems) {
        List<String> servers = servers(settings, problems);
        String username = settings.string(USERNAME).orElse(null);
        boolean password = settings.secret(PASSWORD).isPresent();
        boolean token = settings.secret(TOKEN).isPresent();
        if (token && (username != null || password)) {
            problems.add(settings.keyOf(TOKEN), "must not be set together with " + settings.keyOf(USERNAME) + "/"
                    + settings.keyOf(PASSWORD) + "; a server authenticates with one or the other");
        } else if (username != null && !password) {
            problems.add(settings.keyOf(PASSWORD), "is required when " + settings.keyOf(USERNAME) + " is set");
        } else if (username == null && password) {
            problems.add(settings.keyOf(USERNAME), "is required when " + settings.keyOf(PASSWORD) + " is set");
        }
        Duration connectionTimeout = problems.read(() -> settings.duration(CONNECTION_TIMEOUT, Options.DEFAULT_CONNECTION_TIMEOUT));
        if (connectionTimeout != null && connectionTimeout.isZero()) {
            problems.add(settings.keyOf(CONNECTION_TIMEOUT), "must be longer than zero");
        }
        Integer maxReconnects = problems.read(() -> settings.intValue(MAX_RECONNECTS, Options.DEFAULT_MAX_RECONNECT));
        if (maxReconnects != null && maxReconnects < -1) {
            problems.add(settings.keyOf(MAX_RECONNECTS), "must be -1 (for ever), 0 (never) or more, was " + maxReconnects);
        }
        Duration pingInterval = problems.read(() -> settings.duration(PING_INTERVAL, Options.DEFAULT_PING_INTERVAL));
        if (pingInterval != null && pingInterval.isZero()) {
            problems.add(settings.keyOf(PING_INTERVAL), "must be longer than zero: without keep-alive pings a connection"
                    + " whose server went away silently is never noticed");
        }
        Integer maxPingsOut = problems.read(() -> settings.intValue(MAX_PINGS_OUT, Options.DEFAULT_MAX_PINGS_OUT));
        if (maxPingsOut != null && maxPingsOut < MIN_PINGS_OUT) {
            problems.add(settings.keyOf(MAX_PINGS_OUT), "must be " + MIN_PINGS_OUT + " or more, was " + maxPingsOut
                    + ": a flush and a keep-alive ping may wait for the server at once");
        }
        String connectionName = settings.string(CONNECTION_NAME).orElse(null);
        if (!problems.isEmpty()) {
            return null;
        }
        return new NatsEndpoint(servers, username, connectionTimeout, connectionName, maxReconnects, pingInterval,
                maxPingsOut);
    }

    /** Reads the endpoint; throws every problem found at once. */
    static NatsEndpoint read(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        NatsEndpoint endpoint = read(settings, problems);
        problems.throwIfAny();
        return endpoint;
    }

    /** jnats options with the credentials as configured now. */
    Options options(Optional<Secret> password, Optional<Secret> token) {
        Options.Builder b = new Options.Builder()
                .servers(servers.toArray(String[]::new))
                .connectionTimeout(connectionTimeout)
                .maxReconnects(maxReconnects)
                .pingInterval(pingInterval)
                .maxPingsOut(maxPingsOut);
        if (username != null) {
            b.userInfo(username.toCharArray(), password.map(p -> p.reveal().toCharArray()).orElse(new char[0]));
        }
        token.ifPresent(t -> b.token(t.reveal().toCharArray()));
        if (connectionName != null) {
            b.connectionName(connectionName);
        }
        return b.build();
    }

    private static List<String> servers(ResourceSettings settings, ConfigProblems problems) {
        String key = settings.keyOf(URL);
        Optional<String> value = settings.string(URL);
        if (value.isEmpty()) {
            problems.add(key, "is required: nats://host:port, several separated by commas");
            return List.of();
        }
        List<String> servers = new ArrayList<>();
        String[] entries = value.get().split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String server = server(entries[i].trim(), entries.length == 1 ? "" : " (server " + (i + 1) + ")", key, problems);
            if (server != null) {
                servers.add(server);
            }
        }
        return List.copyOf(servers);
    }

    /** One server URL, normalized with its port; the value is never echoed, it may hold a credential. */
    private static String server(String entry, String which, String key, ConfigProblems problems) {
        if (entry.isEmpty()) {
            problems.add(key, "has an empty server" + which);
            return null;
        }
        URI uri;
        try {
            uri = new URI(entry);
        } catch (URISyntaxException e) {
            problems.add(key, "is not a valid URL" + which + " (" + e.getReason() + "); expected nats://host:port");
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !SCHEMES.contains(scheme)) {
            problems.add(key, "must use the scheme nats://, tls://, ws:// or wss://" + which + ", was "
                    + (scheme == null ? "none" : "'" + scheme + "'"));
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            problems.add(key, "must not carry credentials" + which + "; set username and password, or token (secrets)");
            return null;
        }
        if (uri.getHost() == null) {
            problems.add(key, "must name a host" + which + ", as in nats://localhost:4222");
            return null;
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            problems.add(key, "has port " + port + which + ", which is not between 1 and 65535");
            return null;
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
            problems.add(key, "must be only scheme, host and port" + which + ", as in nats://localhost:4222");
            return null;
        }
        return scheme + "://" + hostForUrl(uri.getHost()) + ":" + port;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
