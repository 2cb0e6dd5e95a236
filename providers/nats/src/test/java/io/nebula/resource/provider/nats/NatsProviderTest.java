package io.nebula.resource.provider.nats;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the {@code nats} kind promises beyond the contract, against real servers. */
class NatsProviderTest {

    private final NatsProvider provider = new NatsProvider();
    private final List<Connection> open = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        open.forEach(provider::destroy);
    }

    private Connection create(ResourceSettings settings) throws Exception {
        Connection c = provider.create(settings);
        open.add(c);
        return c;
    }

    @Test
    void oneSharedConnectionForEverybody() {
        assertThat(provider.kind()).isEqualTo("nats");
        assertThat(provider.topology()).isEqualTo(Topology.RESIDENT);
        assertThat(provider.type()).isEqualTo(Connection.class);
    }

    @Test
    void aListOfServersConnectsToOneThatIsUp() throws Exception {
        Connection c = create(LocalNats.settings("events", "url", "nats://127.0.0.1:1," + LocalNats.URL));
        assertThat(c.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        assertThat(c.getConnectedUrl()).contains(":4222");
        LocalNats.publishAndReceive(c);
    }

    @Test
    void theJetStreamViewPublishesToAStream() throws Exception {
        Connection c = create(LocalNats.settings("events"));
        assertThat(provider.views()).containsExactly(JetStream.class);
        String stream = "NEBULA_TEST_" + UUID.randomUUID().toString().replace("-", "");
        String subject = "nebula.test.js." + stream;
        JetStreamManagement management = c.jetStreamManagement();
        management.addStream(StreamConfiguration.builder().name(stream).subjects(subject)
                .storageType(StorageType.Memory).build());
        try {
            JetStream jetStream = provider.view(c, JetStream.class);
            PublishAck ack = jetStream.publish(subject, "order-1".getBytes(StandardCharsets.UTF_8));
            assertThat(ack.getStream()).isEqualTo(stream);
            assertThat(ack.getSeqno()).isEqualTo(1L);
        } finally {
            management.deleteStream(stream);
        }
    }

    @Test
    void theDeepCheckLeavesNoSubscriptionBehind() throws Exception {
        try (EphemeralNatsServer server = EphemeralNatsServer.launch()) {
            Connection c = create(LocalNats.settings("events", "url", server.url()));
            // the first request also opens jnats' one shared reply subscription, which stays
            assertThat(provider.check(c, CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);
            long afterOne = server.subscriptions();

            for (int i = 0; i < 3; i++) {
                assertThat(provider.check(c, CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);
            }
            c.flush(Duration.ofSeconds(5));
            assertThat(server.subscriptions()).as("subscriptions after three more checks").isEqualTo(afterOne);
        }
    }

    @Test
    void userAndPasswordAreSentAndAWrongOneIsNotRetryable() throws Exception {
        try (EphemeralNatsServer server = EphemeralNatsServer.launch("--user", "orders", "--pass", "right-Pass1")) {
            Connection c = create(LocalNats.settings("guarded", "url", server.url(),
                    "username", "orders", "password", "right-Pass1"));
            LocalNats.publishAndReceive(c);

            ResourceSettings wrong = LocalNats.settings("guarded", "url", server.url(),
                    "username", "orders", "password", "hunter2-Pass",
                    "connection-timeout", "500ms"); // jnats waits this long for a server that refused it
            Throwable error = LocalNats.errorOf(() -> create(wrong));
            assertThat(error).isInstanceOf(AuthenticationException.class).hasMessageContaining("Authorization Violation");
            assertThat(provider.isRetryable(error)).isFalse();
            assertThat(stackTraceOf(error)).doesNotContain("hunter2");
        }
    }

    @Test
    void aTokenIsSentAndAWrongOneIsNotRetryable() throws Exception {
        try (EphemeralNatsServer server = EphemeralNatsServer.launch("--auth", "right-Token1")) {
            Connection c = create(LocalNats.settings("guarded", "url", server.url(), "token", "right-Token1"));
            LocalNats.publishAndReceive(c);

            Throwable error = LocalNats.errorOf(() -> create(LocalNats.settings("guarded", "url", server.url(),
                    "token", "hunter2-Token", "connection-timeout", "500ms")));
            assertThat(provider.isRetryable(error)).as("retryable(%s)", error).isFalse();
            assertThat(stackTraceOf(error)).doesNotContain("hunter2");
        }
    }

    @Test
    void aServerThatIsNotThereIsRetryable() {
        Throwable error = LocalNats.errorOf(() -> create(LocalNats.settings("nowhere", "url", "nats://127.0.0.1:1")));
        assertThat(error).isNotNull();
        assertThat(provider.isRetryable(error)).isTrue();
    }

    @Test
    void theConnectionComesBackWhenItsServerDoes() throws Exception {
        try (EphemeralNatsServer server = EphemeralNatsServer.launch()) {
            Connection c = create(LocalNats.settings("resilient", "url", server.url()));

            server.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> c.getStatus() != Connection.Status.CONNECTED);
            HealthStatus down = provider.check(c, CheckDepth.SHALLOW);
            assertThat(down.status()).isEqualTo(HealthStatus.Status.DOWN);

            server.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> provider.check(c, CheckDepth.SHALLOW).isUp());
            assertThat(provider.check(c, CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);
        }
    }

    @Test
    void aConnectionThatGaveUpReconnectingIsClosedForGoodAndFatal() throws Exception {
        try (EphemeralNatsServer server = EphemeralNatsServer.launch()) {
            Connection c = create(LocalNats.settings("fragile", "url", server.url(), "max-reconnects", "0"));

            server.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> c.getStatus() == Connection.Status.CLOSED);

            assertThat(provider.check(c, CheckDepth.SHALLOW).message()).hasValue("connection closed");
            Throwable error = LocalNats.errorOf(() -> c.publish("nebula.test.after", new byte[] {1}));
            assertThat(provider.isFatal(error)).as("isFatal(%s)", error).isTrue();
        }
    }

    @Test
    void aFlushThatJnatsDropsAsStaleIsNotAnswered() throws Exception {
        try (SilentNatsServer server = SilentNatsServer.start()) {
            Connection c = create(LocalNats.settings("quiet", "url", server.url(), "max-reconnects", "0",
                    "connection-timeout", "500ms"));
            long handshake = c.getStatistics().getPings();
            // flushes that time out leave their PINGs out, up to max-pings-out (2 by default)
            for (int i = 0; i < 10 && c.getStatistics().getPings() - handshake < 2; i++) {
                assertThat(LocalNats.errorOf(() -> c.flush(Duration.ofMillis(200)))).isInstanceOf(TimeoutException.class);
            }
            assertThat(c.getStatistics().getPings() - handshake).as("PINGs out").isEqualTo(2);

            // jnats sends no third PING: it reconnects, and its flush returns as if it had been answered
            Throwable error = LocalNats.errorOf(() -> c.flush(Duration.ofSeconds(5)));
            assertThat(error).isInstanceOf(TimeoutException.class)
                    .hasMessage("a flush of resource 'quiet' failed: the server left 2 pings unanswered (max-pings-out):"
                            + " jnats takes the connection for stale and reconnects");
        }
    }

    private static String stackTraceOf(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
