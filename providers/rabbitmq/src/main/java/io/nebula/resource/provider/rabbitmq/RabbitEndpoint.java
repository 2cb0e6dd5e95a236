package io.nebula.resource.provider.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.ConfigKey;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where and how a resource reaches the broker, read from its keys. Holds no password: it is read
 * from the settings when the connection is opened, so a rotated password reaches the next one. Its
 * {@code toString()} is therefore safe to log and to key shared state with.
 */
record RabbitEndpoint(String host, int port, String virtualHost, boolean tls, String username,
                      Duration connectionTimeout, Duration requestedHeartbeat, Duration rpcTimeout,
                      String connectionName) {

    static final String URI_KEY = "uri";
    static final String HOST = "host";
    static final String PORT = "port";
    static final String VIRTUAL_HOST = "virtual-host";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String CONNECTION_TIMEOUT = "connection-timeout";
    static final String REQUESTED_HEARTBEAT = "requested-heartbeat";
    static final String RPC_TIMEOUT = "rpc-timeout";
    static final String CONNECTION_NAME = "connection-name";

    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(ConnectionFactory.DEFAULT_HEARTBEAT);
    static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(65_535); // an AMQP short

    /** The keys read here, described (docs/configuration.md is made from them). */
    static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.string(URI_KEY, null, "amqp://[user@]host:port/virtual-host, or amqps:// for TLS; required"
                    + " unless host is set. No password or query."),
            ConfigKey.string(HOST, null, "Broker host, instead of uri."),
            ConfigKey.integer(PORT, ConnectionFactory.DEFAULT_AMQP_PORT, "Broker port (1-65535), with host."),
            ConfigKey.string(VIRTUAL_HOST, ConnectionFactory.DEFAULT_VHOST, "Virtual host, with host."),
            ConfigKey.string(USERNAME, null, "User (here or in the uri, not both); without one, the client's default"
                    + " user " + ConnectionFactory.DEFAULT_USER + " logs in (with password " + ConnectionFactory.DEFAULT_PASS
                    + " unless password is set)."),
            ConfigKey.string(PASSWORD, null, "The user's password; required when a user is set."),
            ConfigKey.duration(CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT, "TCP connect and AMQP handshake"
                    + " timeout."),
            ConfigKey.duration(REQUESTED_HEARTBEAT, DEFAULT_HEARTBEAT, "Heartbeat interval proposed to the broker"
                    + " (whole seconds, at most " + MAX_HEARTBEAT.toSeconds() + "s; 0 turns heartbeats off)."),
            ConfigKey.duration(RPC_TIMEOUT, DEFAULT_RPC_TIMEOUT, "How long a channel waits for the reply of a"
                    + " synchronous call; bounds the deep health check."),
            ConfigKey.string(CONNECTION_NAME, null, "Client-provided connection name, shown in the management UI."));

    /**
     * Reads and checks every key, recording each problem in {@code problems}; returns {@code null}
     * when there is one.
     */
    static RabbitEndpoint read(ResourceSettings settings, ConfigProblems problems) {
        Target target = settings.has(URI_KEY) ? fromUri(settings, problems) : fromKeys(settings, problems);
        String username = settings.string(USERNAME).orElse(target == null ? null : target.username);
        if (settings.has(USERNAME) && target != null && target.username != null) {
            problems.add(settings.keyOf(USERNAME), "must not be set when " + settings.keyOf(URI_KEY) + " names a user");
        }
        if (username != null && settings.secret(PASSWORD).isEmpty()) {
            problems.add(settings.keyOf(PASSWORD), "is required when a username is set");
        }
        Duration connectionTimeout = millis(settings, CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT, problems);
        Duration rpcTimeout = millis(settings, RPC_TIMEOUT, DEFAULT_RPC_TIMEOUT, problems);
        Duration heartbeat = problems.read(() -> settings.duration(REQUESTED_HEARTBEAT, DEFAULT_HEARTBEAT));
        if (heartbeat != null && heartbeat.compareTo(MAX_HEARTBEAT) > 0) {
            problems.add(settings.keyOf(REQUESTED_HEARTBEAT), "must be at most " + MAX_HEARTBEAT.toSeconds() + "s; 0 turns heartbeats off");
        }
        String connectionName = settings.string(CONNECTION_NAME).orElse(null);
        if (target == null || !problems.isEmpty()) {
            return null;
        }
        return new RabbitEndpoint(target.host, target.port, target.virtualHost, target.tls, username,
                connectionTimeout, heartbeat, rpcTimeout, connectionName);
    }

    /** Reads the endpoint; throws every problem found at once. */
    static RabbitEndpoint read(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        RabbitEndpoint endpoint = read(settings, problems);
        problems.throwIfAny();
        return endpoint;
    }

    /**
     * A connection factory with the credential as configured now. Automatic recovery is off: a
     * broken channel is discarded by the engine and the connection reopened on the next create,
     * rather than channels being revived underneath their holders.
     */
    ConnectionFactory factory(Optional<Secret> password) throws NoSuchAlgorithmException {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(host);
        f.setPort(port);
        f.setVirtualHost(virtualHost);
        if (username != null) {
            f.setUsername(username);
        }
        password.ifPresent(p -> f.setPassword(p.reveal()));
        if (tls) {
            // the JVM's trust store, and the certificate must name the host (amqp-client's
            // useSslProtocol() without arguments would trust any certificate)
            f.useSslProtocol(SSLContext.getDefault());
            f.enableHostnameVerification();
        }
        f.setConnectionTimeout(toIntMillis(connectionTimeout));
        f.setHandshakeTimeout(toIntMillis(connectionTimeout));
        f.setRequestedHeartbeat((int) requestedHeartbeat.toSeconds());
        f.setChannelRpcTimeout(toIntMillis(rpcTimeout));
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        return f;
    }

    /** Where the connection goes, without credentials, for messages. */
    String address() {
        return (tls ? "amqps://" : "amqp://") + host + ":" + port + "/" + virtualHost;
    }

    private record Target(String host, int port, String virtualHost, boolean tls, String username) {
    }

    private static Target fromUri(ResourceSettings settings, ConfigProblems problems) {
        String key = settings.keyOf(URI_KEY);
        for (String other : new String[] {HOST, PORT, VIRTUAL_HOST}) {
            if (settings.has(other)) {
                problems.add(settings.keyOf(other), "must not be set together with " + key + "; set either the URI or host/port/virtual-host");
            }
        }
        // The URI value is never echoed: a user may have put a password in it.
        URI uri;
        try {
            uri = new URI(settings.required(URI_KEY));
        } catch (URISyntaxException e) {
            problems.add(key, "is not a valid URI (" + e.getReason() + "); expected amqp://host:port/virtual-host");
            return null;
        }
        String scheme = uri.getScheme();
        boolean tls = "amqps".equalsIgnoreCase(scheme);
        if (!tls && !"amqp".equalsIgnoreCase(scheme)) {
            problems.add(key, "must use the scheme amqp:// or amqps:// (TLS), was " + (scheme == null ? "none" : "'" + scheme + "'"));
            return null;
        }
        String username = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            if (userInfo.contains(":")) {
                problems.add(key, "must not carry a password; set " + settings.keyOf(PASSWORD) + " (a secret) instead");
            } else {
                username = decode(userInfo);
            }
        }
        if (uri.getRawQuery() != null) {
            problems.add(key, "must not have query parameters; use the keys " + CONNECTION_TIMEOUT + ", " + REQUESTED_HEARTBEAT
                    + " and " + CONNECTION_NAME);
        }
        if (uri.getHost() == null) {
            problems.add(key, "must name a host, as in amqp://localhost:5672/");
            return null;
        }
        int port = uri.getPort() == -1 ? defaultPort(tls) : uri.getPort();
        if (port < 1 || port > 65535) {
            problems.add(key, "has port " + port + ", which is not between 1 and 65535");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String virtualHost = ConnectionFactory.DEFAULT_VHOST;
        if (path.length() > 1) {
            if (path.indexOf('/', 1) != -1) {
                problems.add(key, "has a path of several segments; the path is the virtual host, with '/' written %2F");
            }
            virtualHost = decode(path.substring(1));
        }
        return new Target(uri.getHost(), port, virtualHost, tls, username);
    }

    private static Target fromKeys(ResourceSettings settings, ConfigProblems problems) {
        String host = settings.string(HOST).orElse(null);
        if (host == null) {
            problems.add(settings.keyOf(URI_KEY), "is required (amqp://host:port/virtual-host), or set " + settings.keyOf(HOST));
        }
        Integer port = problems.read(() -> settings.intValue(PORT, ConnectionFactory.DEFAULT_AMQP_PORT));
        if (port != null && (port < 1 || port > 65535)) {
            problems.add(settings.keyOf(PORT), "must be between 1 and 65535, was " + port);
        }
        String virtualHost = settings.string(VIRTUAL_HOST, ConnectionFactory.DEFAULT_VHOST);
        return host == null || port == null ? null : new Target(host, port, virtualHost, false, null);
    }

    private static int defaultPort(boolean tls) {
        return tls ? ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT : ConnectionFactory.DEFAULT_AMQP_PORT;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** A positive duration that amqp-client can take as int milliseconds. */
    private static Duration millis(ResourceSettings settings, String key, Duration defaultValue, ConfigProblems problems) {
        Duration d = problems.read(() -> settings.duration(key, defaultValue));
        if (d == null) {
            return null;
        }
        if (d.isZero()) {
            problems.add(settings.keyOf(key), "must be longer than zero");
            return null;
        }
        if (d.toMillis() > Integer.MAX_VALUE) {
            problems.add(settings.keyOf(key), "must be shorter than " + Integer.MAX_VALUE + "ms");
            return null;
        }
        return d;
    }

    private static int toIntMillis(Duration d) {
        return (int) d.toMillis();
    }
}
