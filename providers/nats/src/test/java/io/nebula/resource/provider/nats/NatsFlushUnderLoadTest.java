package io.nebula.resource.provider.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17, point 7: sixteen threads publishing and flushing on the resource's one shared connection,
 * against the healthy local server, for a few seconds. A healthy server answers every flush, so a
 * reconnection, a flush timeout, an error logged or a message lost is the connection's fault.
 */
class NatsFlushUnderLoadTest {

    private static final int PUBLISHERS = 16;
    private static final Duration RUN = Duration.ofSeconds(3);
    private static final int MAX_PER_PUBLISHER = 50_000; // bounds the loop on a fast machine too
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(1); // what the user's code waits

    private final NatsProvider provider = new NatsProvider();
    private final WarningsLogged warnings = new WarningsLogged();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        Logger.getLogger("").removeHandler(warnings);
    }

    @Test
    void sixteenThreadsPublishAndFlushOnTheSharedConnection() throws Exception {
        Logger.getLogger("").addHandler(warnings);
        Connection shared = provider.create(LocalNats.settings("events"));
        toClose.add(() -> provider.destroy(shared));
        Queue<String> connectionEvents = new ConcurrentLinkedQueue<>();
        shared.addConnectionListener((c, type) -> connectionEvents.add(type.name()));

        String subject = "nebula.test.load." + UUID.randomUUID();
        Set<String> received = ConcurrentHashMap.newKeySet();
        Connection observer = Nats.connect(LocalNats.URL); // the subscriber has a connection of its own
        toClose.add(observer);
        Dispatcher subscriber = observer.createDispatcher(m -> received.add(new String(m.getData(), StandardCharsets.UTF_8)));
        subscriber.subscribe(subject);
        observer.flush(Duration.ofSeconds(5)); // the server knows the subscriber before anything is published

        Set<String> published = ConcurrentHashMap.newKeySet();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
        toClose.add(publishers::shutdownNow);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> runs = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            String publisher = "publisher-" + p;
            runs.add(publishers.submit(() -> {
                start.await();
                long end = System.nanoTime() + RUN.toNanos();
                for (int n = 0; n < MAX_PER_PUBLISHER && System.nanoTime() < end; n++) {
                    String body = publisher + "#" + n;
                    try {
                        shared.publish(subject, body.getBytes(StandardCharsets.UTF_8));
                        published.add(body);
                        shared.flush(FLUSH_TIMEOUT);
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> run : runs) {
            run.get(RUN.toSeconds() + 30, TimeUnit.SECONDS);
        }

        List<String> logged = warnings.records();
        String outcome = String.format("%d messages published; %d reconnections; failures: %s; logged (%d): %s",
                published.size(), shared.getStatistics().getReconnects(), tally(failures), logged.size(),
                tally(logged));
        assertThat(failures.size()).as("publish or flush failures; " + outcome).isZero();
        assertThat(shared.getStatistics().getReconnects()).as("reconnections; " + outcome).isZero();
        assertThat(connectionEvents).as("connection events; " + outcome).isEmpty();
        assertThat(logged.size()).as("warnings and errors logged; " + outcome).isZero();
        assertThat(published).as("messages published").hasSizeGreaterThan(PUBLISHERS);
        // every flush returned, so the server has every message; the subscriber may still be reading them
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> missing = published.stream().filter(m -> !received.contains(m)).toList();
            assertThat(missing.size()).as("messages not received of %d, the first: %s", published.size(),
                    missing.stream().limit(5).toList()).isZero();
        });
        assertThat(received).as("messages received that were never published").hasSameSizeAs(published);
    }

    /** How many of each, by text, so that thousands of failures read as a few lines. */
    private static Map<String, Long> tally(Collection<?> items) {
        return items.stream().collect(Collectors.groupingBy(String::valueOf, TreeMap::new, Collectors.counting()));
    }

    /** Every record at WARNING or above, from any logger: jnats' error listener logs SEVERE through JUL. */
    private static final class WarningsLogged extends Handler {

        private final Queue<String> records = new ConcurrentLinkedQueue<>();

        WarningsLogged() {
            setLevel(Level.WARNING);
        }

        List<String> records() {
            return List.copyOf(records);
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                records.add(record.getLevel() + " " + record.getLoggerName() + ": " + messageOf(record));
            }
        }

        private static String messageOf(LogRecord record) {
            return record.getMessage() == null ? String.valueOf(record.getThrown()) : record.getMessage();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
