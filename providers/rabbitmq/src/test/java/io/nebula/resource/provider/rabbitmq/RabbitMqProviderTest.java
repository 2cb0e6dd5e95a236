package io.nebula.resource.provider.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What the {@code rabbitmq} kind promises beyond the contract, against the local broker. */
class RabbitMqProviderTest {

    private final RabbitMqProvider provider = new RabbitMqProvider();
    private final List<Channel> open = new ArrayList<>();
    private final List<ResourceSettings> used = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        open.forEach(provider::destroy);
        used.forEach(provider::shutdown);
    }

    private Channel create(ResourceSettings settings) throws Exception {
        used.add(settings);
        Channel c = provider.create(settings);
        open.add(c);
        return c;
    }

    @Test
    void channelsArePooledBecauseTheyAreNotThreadSafe() {
        assertThat(provider.kind()).isEqualTo("rabbitmq");
        assertThat(provider.topology()).isEqualTo(Topology.POOLED);
        assertThat(provider.type()).isEqualTo(Channel.class);
    }

    @Test
    void theChannelsOfOneResourceShareOneConnection() throws Exception {
        ResourceSettings settings = LocalRabbit.settings("jobs");
        Channel first = create(settings);
        Channel second = create(settings);

        assertThat(first.getChannelNumber()).isNotEqualTo(second.getChannelNumber());
        assertThat(first.getConnection()).isSameAs(second.getConnection())
                .isSameAs(provider.connectionOf(settings).current());
        LocalRabbit.publishAndGet(first);
        LocalRabbit.publishAndGet(second);
    }

    @Test
    void resourcesDoNotShareConnections() throws Exception {
        Channel a = create(LocalRabbit.settings("a"));
        Channel b = create(LocalRabbit.settings("b"));
        assertThat(a.getConnection()).isNotSameAs(b.getConnection());
    }

    @Test
    void aChannelClosedByTheBrokerIsDiscardedWhileItsConnectionServesOthers() throws Exception {
        ResourceSettings settings = LocalRabbit.settings("jobs");
        Channel broken = create(settings);
        Channel healthy = create(settings);

        Throwable error = LocalRabbit.errorOf(() -> broken.queueDeclarePassive("nebula-no-such-queue"));

        assertThat(error).isInstanceOf(IOException.class).hasStackTraceContaining("404");
        assertThat(provider.isFatal(error)).isTrue();
        assertThat(broken.isOpen()).isFalse();
        assertThat(provider.recycle(broken)).isFalse();
        HealthStatus status = provider.check(broken, CheckDepth.SHALLOW);
        assertThat(status.status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(status.message()).hasValueSatisfying(m -> assertThat(m).contains("404").contains("nebula-no-such-queue"));

        assertThat(provider.check(healthy, CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);
        LocalRabbit.publishAndGet(healthy);
    }

    @Test
    void aClosedConnectionIsOpenedAgainByTheNextChannel() throws Exception {
        ResourceSettings settings = LocalRabbit.settings("jobs");
        Channel before = create(settings);
        Connection lost = before.getConnection();
        lost.close(); // as when the broker restarts

        assertThat(provider.check(before, CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(provider.recycle(before)).isFalse();

        Channel after = create(settings);
        assertThat(after.getConnection()).isNotSameAs(lost);
        assertThat(after.getConnection().isOpen()).isTrue();
        LocalRabbit.publishAndGet(after);
    }

    @Test
    void shutdownClosesTheConnectionOnceItsLastChannelIsDestroyed() throws Exception {
        ResourceSettings settings = LocalRabbit.settings("draining");
        Channel first = provider.create(settings);
        Channel last = provider.create(settings);
        Connection connection = first.getConnection();

        provider.destroy(first);
        provider.shutdown(settings); // e.g. one tenant's pool closed while another still holds a channel
        assertThat(connection.isOpen()).isTrue();
        LocalRabbit.publishAndGet(last);

        provider.destroy(last);
        assertThat(connection.isOpen()).isFalse();

        Channel again = create(settings);
        assertThat(again.getConnection()).isNotSameAs(connection);
        LocalRabbit.publishAndGet(again);
    }

    @Test
    void shutdownClosesTheConnectionOfEveryEndpointOfTheResource() throws Exception {
        ResourceSettings base = LocalRabbit.settings("weighted");
        // as the engine opens the channels of a second endpoint: the same name, keys overridden
        ResourceSettings otherEndpoint = base.withAll(Map.of("connection-name", "endpoint-b", "endpoint", "b"));
        Channel a = provider.create(base);
        Channel b = provider.create(otherEndpoint);
        Connection connectionA = a.getConnection();
        Connection connectionB = b.getConnection();
        assertThat(connectionA).isNotSameAs(connectionB);

        provider.destroy(a);
        provider.destroy(b);
        provider.shutdown(base);

        assertThat(connectionA.isOpen()).isFalse();
        assertThat(connectionB.isOpen()).isFalse();
    }

    @Test
    void recycleForgetsTheListenersOfTheLastHolder() throws Exception {
        Channel channel = create(LocalRabbit.settings("jobs"));
        AtomicInteger heardByLastHolder = new AtomicInteger();
        channel.addReturnListener(r -> heardByLastHolder.incrementAndGet());
        channel.addConfirmListener((tag, multiple) -> heardByLastHolder.incrementAndGet(),
                (tag, multiple) -> heardByLastHolder.incrementAndGet());
        channel.confirmSelect();

        assertThat(provider.recycle(channel)).isTrue();

        CountDownLatch returned = new CountDownLatch(1);
        channel.addReturnListener(r -> returned.countDown());
        channel.basicPublish("", "nebula-unroutable-" + System.nanoTime(), true, null,
                "to nobody".getBytes(StandardCharsets.UTF_8));
        assertThat(channel.waitForConfirms(5_000)).isTrue();
        assertThat(returned.await(5, TimeUnit.SECONDS)).as("the next holder hears of its returned message").isTrue();
        assertThat(heardByLastHolder).as("calls to the last holder's listeners").hasValue(0);
    }

    @Test
    void connectionNameAndHeartbeatReachTheBroker() throws Exception {
        Channel channel = create(LocalRabbit.settings("named", "connection-name", "orders-service",
                "requested-heartbeat", "17s"));
        assertThat(channel.getConnection().getClientProvidedName()).isEqualTo("orders-service");
        assertThat(channel.getConnection().getHeartbeat()).as("negotiated heartbeat, seconds").isEqualTo(17);
    }

    @Test
    void wrongCredentialsAreNotRetryableAndNeverShown() {
        ResourceSettings settings = LocalRabbit.settings("guarded", "password", "hunter2-Pass");
        used.add(settings);
        Throwable error = LocalRabbit.errorOf(() -> provider.create(settings));

        assertThat(error).isNotNull().hasStackTraceContaining("ACCESS_REFUSED");
        assertThat(provider.isRetryable(error)).isFalse();
        assertThat(stackTraceOf(error)).doesNotContain("hunter2");
    }

    @Test
    void anUnknownVirtualHostIsNotRetryable() {
        ResourceSettings settings = LocalRabbit.settings("lost", "uri", "amqp://127.0.0.1:5672/nebula-no-such-vhost");
        used.add(settings);
        Throwable error = LocalRabbit.errorOf(() -> provider.create(settings));

        assertThat(error).isNotNull().hasStackTraceContaining("reply-code=" + AMQP.NOT_ALLOWED);
        assertThat(provider.isRetryable(error)).isFalse();
    }

    @Test
    void aBrokerThatIsNotThereIsRetryable() {
        ResourceSettings settings = LocalRabbit.settings("nowhere", "uri", "amqp://127.0.0.1:1/",
                "connection-timeout", "2s");
        used.add(settings);
        Throwable error = LocalRabbit.errorOf(() -> provider.create(settings));

        assertThat(error).isInstanceOf(IOException.class);
        assertThat(provider.isRetryable(error)).isTrue();
    }

    private static String stackTraceOf(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
