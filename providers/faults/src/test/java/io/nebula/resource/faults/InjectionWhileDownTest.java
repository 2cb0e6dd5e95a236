package io.nebula.resource.faults;

import com.rabbitmq.client.Channel;
import com.sun.net.httpserver.HttpServer;
import io.agroal.api.AgroalDataSource;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.ResourceStartException;
import io.nebula.resource.cdi.NebulaExtension;
import io.nebula.resource.provider.http.HttpEndpoint;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.testing.FaultProxy;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.junit5.WeldInitiator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17, point 6: a bean with an injected resource can always be made, whatever its backend does. For each kind, the
 * resource reaches its real local server through a {@link FaultProxy} that is {@link FaultProxy#down() down} before the
 * container starts (the servers themselves are never stopped); the bean is made and asserted: it exists, the first use
 * of the resource fails with the type the docs name for that view carrying the backend's error, another resource of
 * the same bean works, and once the proxy is {@link FaultProxy#up() up} again the very references the bean was given
 * work, without the bean being made again. The one resource of the scenario has {@code pool.acquire-timeout=2s}.
 */
class InjectionWhileDownTest {

    /** Longer than the budget, its retries and the pool's probe within a second: the point is that it works at all. */
    private static final Duration BACK = Duration.ofSeconds(10);

    private final List<FaultProxy> proxies = new ArrayList<>();
    private SmallRyeConfig config;
    private WeldContainer container;
    private HttpServer http;

    @AfterEach
    void stop() {
        if (container != null) {
            container.close();
        }
        proxies.forEach(FaultProxy::close);
        if (http != null) {
            http.stop(0);
        }
        if (config != null) {
            ConfigProviderResolver.instance().releaseConfig(config);
        }
    }

    // --- JDBC: the injected DataSource and AgroalDataSource //

    @Dependent
    static class Orders {
        @Inject
        @NebulaResource("orders-db")
        DataSource db;

        @Inject
        @NebulaResource("orders-db")
        AgroalDataSource pool;

        @Inject
        @NebulaResource("cache")
        RedisCommands<String, String> cache;
    }

    @Test
    void aBeanWithAPostgresqlDataSourceIsMadeWhileTheDatabaseIsDown() throws Exception {
        FaultProxy database = downProxy(5432);
        boot(Orders.class, keys("orders-db", "kind", "postgresql",
                "url", "jdbc:postgresql://" + database.host() + ":" + database.port() + "/test",
                "username", "postgres"), redis("cache"));

        Orders orders = made(Orders.class);

        for (DataSource db : List.of(orders.db, orders.pool)) {
            assertThatThrownBy(db::getConnection).as("docs/cdi.md, docs/providers/jdbc.md: SQLState 08001, the driver's error under it")
                    .isInstanceOfSatisfying(SQLTransientConnectionException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"))
                    .satisfies(carries(AcquisitionTimeoutException.class), carries(PSQLException.class));
        }
        assertThat(roundTrip(orders.cache)).as("the bean's Redis").isTrue();

        database.up();
        await("the same injected DataSource, once PostgreSQL is back").atMost(BACK).ignoreExceptions().untilAsserted(() -> selectOne(orders.db));
        selectOne(orders.pool);
        assertThat(container.select(Orders.class).get().db).as("a bean made now gets the pool itself")
                .isSameAs(orders.db.unwrap(AgroalDataSource.class));
    }

    @Dependent
    static class Ledger {
        @Inject
        @NebulaResource("ledger-db")
        DataSource db;

        @Inject
        @NebulaResource("cache")
        RedisCommands<String, String> cache;
    }

    @Test
    void aBeanWithAMariadbDataSourceIsMadeWhileTheDatabaseIsDown() throws Exception {
        FaultProxy database = downProxy(3306);
        boot(Ledger.class, keys("ledger-db", "kind", "mariadb",
                "url", "jdbc:mariadb://" + database.host() + ":" + database.port() + "/test?sslMode=disable",
                "username", "root"), redis("cache"));

        Ledger ledger = made(Ledger.class);

        assertThatThrownBy(ledger.db::getConnection)
                .isInstanceOfSatisfying(SQLTransientConnectionException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"))
                .satisfies(carries(AcquisitionTimeoutException.class), carries(ConnectException.class));
        assertThat(roundTrip(ledger.cache)).isTrue();

        database.up();
        await("the same injected DataSource, once MariaDB is back").atMost(BACK).ignoreExceptions().untilAsserted(() -> selectOne(ledger.db));
    }

    // --- Redis: the connection and its views //

    @Dependent
    static class Sessions {
        @Inject
        @NebulaResource("sessions")
        RedisCommands<String, String> sessions;

        @Inject
        @NebulaResource("sessions")
        StatefulRedisConnection<String, String> connection;

        @Inject
        @NebulaResource("orders-db")
        DataSource db;
    }

    @Test
    void aBeanWithRedisViewsIsMadeWhileRedisIsDown() throws Exception {
        FaultProxy redis = downProxy(6379);
        boot(Sessions.class, keys("sessions", "kind", "redis", "url", "redis://" + redis.host() + ":" + redis.port(),
                "connect-timeout", "1s"), postgresql("orders-db"));

        Sessions sessions = made(Sessions.class);

        assertThatThrownBy(() -> sessions.sessions.get("nebula:injection"))
                .as("docs/providers/redis.md: a RedisException, Lettuce's error under it")
                .isInstanceOf(RedisConnectionException.class)
                .satisfies(carries(AcquisitionTimeoutException.class), carries(ConnectException.class));
        assertThatThrownBy(() -> sessions.connection.sync()).isInstanceOf(RedisConnectionException.class);
        selectOne(sessions.db);

        redis.up();
        await("the same injected RedisCommands, once Redis is back").atMost(BACK).ignoreExceptions()
                .untilAsserted(() -> assertThat(roundTrip(sessions.sessions)).isTrue());
        assertThat(sessions.connection.sync().ping()).isEqualTo("PONG");
    }

    // --- RabbitMQ: the channel (pooled: a proxy on the lease of the caller's scope) //

    @Dependent
    static class Jobs {
        @Inject
        @NebulaResource("jobs")
        Channel jobs;

        @Inject
        @NebulaResource("cache")
        RedisCommands<String, String> cache;
    }

    @Test
    void aBeanWithARabbitmqChannelIsMadeWhileTheBrokerIsDown() throws Exception {
        FaultProxy broker = downProxy(5672);
        boot(Jobs.class, keys("jobs", "kind", "rabbitmq", "uri", "amqp://" + broker.host() + ":" + broker.port() + "/",
                "username", "guest", "password", "guest", "connection-timeout", "1s"), redis("cache"));

        Jobs jobs = made(Jobs.class);

        assertThatThrownBy(() -> jobs.jobs.exchangeDeclarePassive("amq.direct"))
                .as("docs/resilience.md: the acquisition's exception, the broker's error as its cause")
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE))
                .satisfies(carries(ConnectException.class));
        assertThat(roundTrip(jobs.cache)).isTrue();

        broker.up();
        await("the same injected Channel, once RabbitMQ is back").atMost(BACK).ignoreExceptions()
                .untilAsserted(() -> jobs.jobs.exchangeDeclarePassive("amq.direct"));
    }

    // --- NATS: the connection //

    @Dependent
    static class Events {
        @Inject
        @NebulaResource("events")
        io.nats.client.Connection events;

        @Inject
        @NebulaResource("cache")
        RedisCommands<String, String> cache;
    }

    @Test
    void aBeanWithANatsConnectionIsMadeWhileNatsIsDown() throws Exception {
        FaultProxy nats = downProxy(4222);
        boot(Events.class, keys("events", "kind", "nats", "url", "nats://" + nats.host() + ":" + nats.port(),
                "connection-timeout", "1s"), redis("cache"));

        Events events = made(Events.class);
        byte[] payload = "order-42".getBytes(StandardCharsets.UTF_8);
        String subject = "nebula.injection." + UUID.randomUUID();

        assertThatThrownBy(() -> events.events.publish(subject, payload))
                .as("docs/resilience.md: the acquisition's exception, jnats' error as its cause")
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE))
                .satisfies(carries(IOException.class));
        assertThat(roundTrip(events.cache)).isTrue();

        nats.up();
        await("the same injected Connection, once NATS is back").atMost(BACK).ignoreExceptions().untilAsserted(() -> {
            events.events.publish(subject, payload);
            events.events.flush(Duration.ofSeconds(1));
        });
    }

    // --- HTTP: the endpoint and its HttpClient view (creating them asks nothing of the server) //

    @Dependent
    static class Payments {
        @Inject
        @NebulaResource("payments-api")
        HttpEndpoint payments;

        @Inject
        @NebulaResource("payments-api")
        HttpClient client;

        @Inject
        @NebulaResource("cache")
        RedisCommands<String, String> cache;
    }

    @Test
    void aBeanWithAnHttpEndpointIsMadeWhileTheServerIsDown() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        FaultProxy server = downProxy(http.getAddress().getPort());
        String base = "http://" + server.host() + ":" + server.port() + "/";
        boot(Payments.class, keys("payments-api", "kind", "http", "url", base), redis("cache"));

        Payments payments = made(Payments.class);
        HttpRequest request = payments.payments.request("orders/42").build();

        assertThatThrownBy(() -> payments.payments.send(request, HttpResponse.BodyHandlers.ofString()))
                .as("docs/providers/http.md: the JDK client's own error").isInstanceOf(ConnectException.class);
        assertThat(roundTrip(payments.cache)).isTrue();

        server.up();
        assertThat(payments.payments.send(request, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok");
        assertThat(payments.client.send(HttpRequest.newBuilder(URI.create(base + "orders/42")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    // --- start=eager and start.required (docs/cdi.md, NEBULA-1005 and NEBULA-1007) //

    @Test
    void anEagerResourceWhoseDatabaseIsDownAtStartIsInjectedAndServesOnceTheDatabaseIsBack() throws Exception {
        FaultProxy database = downProxy(5432);
        boot(Orders.class, keys("orders-db", "kind", "postgresql",
                "url", "jdbc:postgresql://" + database.host() + ":" + database.port() + "/test",
                "username", "postgres", "start", "eager"), redis("cache"));

        Orders orders = made(Orders.class);

        assertThatThrownBy(orders.db::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                .satisfies(carries(PSQLException.class));
        assertThat(roundTrip(orders.cache)).isTrue();

        database.up();
        await("the same injected DataSource, once PostgreSQL is back").atMost(BACK).ignoreExceptions().untilAsserted(() -> selectOne(orders.db));
    }

    @Test
    void aRequiredResourceWhoseDatabaseIsDownStillKeepsTheApplicationFromStarting() throws Exception {
        FaultProxy database = downProxy(5432);
        assertThatThrownBy(() -> boot(Orders.class, keys("orders-db", "kind", "postgresql",
                "url", "jdbc:postgresql://" + database.host() + ":" + database.port() + "/test",
                "username", "postgres", "start", "eager", "start.required", "true"), redis("cache")))
                .satisfies(carries(ResourceStartException.class));
    }

    // --- helpers //

    private FaultProxy downProxy(int serverPort) throws IOException {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", serverPort);
        proxies.add(proxy);
        proxy.down();
        return proxy;
    }

    /** {@code nebula.resource.<name>.<key>=<value>} for each pair, with the scenario's budget. */
    private static Map<String, String> keys(String name, String... pairs) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("nebula.resource." + name + ".pool.acquire-timeout", "2s");
        for (int i = 0; i < pairs.length; i += 2) {
            keys.put("nebula.resource." + name + "." + pairs[i], pairs[i + 1]);
        }
        return keys;
    }

    /** A second resource of the bean, on the real local Redis. */
    private static Map<String, String> redis(String name) {
        return Map.of("nebula.resource." + name + ".kind", "redis", "nebula.resource." + name + ".url", "redis://127.0.0.1:6379");
    }

    /** A second resource of the bean, on the real local PostgreSQL. */
    private static Map<String, String> postgresql(String name) {
        return Map.of("nebula.resource." + name + ".kind", "postgresql",
                "nebula.resource." + name + ".url", "jdbc:postgresql://127.0.0.1:5432/test",
                "nebula.resource." + name + ".username", "postgres");
    }

    @SafeVarargs
    private void boot(Class<?> bean, Map<String, String>... resources) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map<String, String> r : resources) {
            properties.putAll(r);
        }
        config = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "injection-while-down", 100)).build();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException ignored) {
            // nothing registered for this loader yet
        }
        resolver.registerConfig(config, loader);
        container = WeldInitiator.createWeld().addExtension(new NebulaExtension())
                .addBeanClass(NebulaWeld.Placeholder.class).addBeanClass(bean).initialize();
    }

    /** The bean, made as the application would have it made; how long that took is printed for the record. */
    private <B> B made(Class<B> bean) {
        long start = System.nanoTime();
        B made = container.select(bean).get();
        System.out.println("INJECTION-WHILE-DOWN " + bean.getSimpleName() + " made in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        return made;
    }

    private static void selectOne(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
            assertThat(r.next()).isTrue();
        }
    }

    private static boolean roundTrip(RedisCommands<String, String> redis) {
        String key = "nebula:injection:" + UUID.randomUUID();
        try {
            redis.set(key, "v", io.lettuce.core.SetArgs.Builder.ex(60));
            return "v".equals(redis.get(key));
        } finally {
            redis.del(key);
        }
    }

    /** Whether {@code type} is among the error's causes (itself included): the backend's own error, say. */
    private static Consumer<Throwable> carries(Class<? extends Throwable> type) {
        return error -> {
            List<Throwable> chain = new ArrayList<>();
            for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
                chain.add(t);
            }
            assertThat(chain).as("the causes of " + error).anySatisfy(t -> assertThat(t).isInstanceOf(type));
        };
    }
}
