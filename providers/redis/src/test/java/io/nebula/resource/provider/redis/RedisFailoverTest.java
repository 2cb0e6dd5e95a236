package io.nebula.resource.provider.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.EndpointStatus;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.spi.CheckDepth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Endpoint failover against two real Redis servers that the test starts on free ports (never the machine's own on
 * 6379): a {@code redis} resource with {@code pool.endpoints=one:1,two:1} under a load of concurrent acquisitions
 * and commands. The test kills server {@code one}; once the engine has marked it DOWN (its connection told it), no
 * acquisition fails and every command goes to {@code two}. Started again on the same port, a probe brings {@code one}
 * back and commands go there again.
 */
class RedisFailoverTest {

    private static final int THREADS = 8;

    private final List<Process> servers = new ArrayList<>();
    private ResourcePool<StatefulRedisConnection<String, String>> pool;
    private ExecutorService load;

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (load != null) {
            load.shutdownNow();
            load.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (pool != null) {
            pool.close();
        }
        for (Process p : servers) {
            p.destroyForcibly(); // only the servers this test started
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void whenOneEndpointDiesNoAcquisitionFailsAfterItIsDetectedAndTrafficReturnsWhenItIsBack() throws Exception {
        int portOne = freePort();
        int portTwo = freePort();
        Process one = startRedis(portOne, "one");
        startRedis(portTwo, "two");

        ResourceSettings settings = ResourceSettings.of("cache", "redis", Map.of(
                "url", "redis://127.0.0.1:" + portOne + "/0",
                "endpoints.two.url", "redis://127.0.0.1:" + portTwo + "/0",
                "pool.strategy", "weighted-round-robin",
                "pool.endpoints", "one:1,two:1",
                "pool.backoff-max", "1s",
                "timeout", "2s",
                "connect-timeout", "1s"));
        pool = ResourcePool.builder(new RedisProvider(), settings).build();
        pool.start();

        // The load: each command asks the server its name, so each success says which endpoint served it.
        AtomicReference<Boolean> detected = new AtomicReference<>(false);
        AtomicInteger failedAcquisitionsAfter = new AtomicInteger();
        AtomicInteger failedCommandsAfter = new AtomicInteger();
        AtomicInteger servedAfter = new AtomicInteger();
        AtomicInteger servedByOneAfter = new AtomicInteger();
        AtomicInteger servedByOneAfterReturn = new AtomicInteger();
        AtomicReference<Boolean> returned = new AtomicReference<>(false); // set before one is started again
        AtomicReference<Throwable> firstFailureAfter = new AtomicReference<>();
        load = Executors.newFixedThreadPool(THREADS);
        for (int t = 0; t < THREADS; t++) {
            load.execute(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    boolean after = detected.get(); // read before the acquisition: it began after the detection
                    boolean back = returned.get();
                    Lease<StatefulRedisConnection<String, String>> lease;
                    try {
                        lease = pool.acquire(Duration.ofSeconds(5));
                    } catch (RuntimeException e) {
                        if (after && !back) {
                            failedAcquisitionsAfter.incrementAndGet();
                            firstFailureAfter.compareAndSet(null, e);
                        }
                        continue;
                    }
                    try (lease) {
                        String name = lease.get().sync().get("nebula:failover:name");
                        if (after && !back) {
                            servedAfter.incrementAndGet();
                            if ("one".equals(name)) {
                                servedByOneAfter.incrementAndGet();
                            }
                        }
                        if (back && "one".equals(name)) {
                            servedByOneAfterReturn.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        if (after && !back) {
                            failedCommandsAfter.incrementAndGet();
                            firstFailureAfter.compareAndSet(null, e);
                        }
                    }
                }
            });
        }
        await("both endpoints serving").atMost(Duration.ofSeconds(10))
                .until(() -> pool.endpoints().stream().allMatch(EndpointStatus::up) && pool.snapshot().size() == 2);

        long killed = System.nanoTime();
        one.destroyForcibly(); // this test's server one, and nothing else
        one.waitFor(10, TimeUnit.SECONDS);
        await("one marked DOWN").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> !status("one").up());
        detected.set(true);
        long detectedAfter = System.nanoTime() - killed;

        HealthStatus health = pool.check(CheckDepth.SHALLOW);
        assertThat(health.status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(health.details()).containsEntry("endpoint.two", "UP");
        assertThat((String) health.details().get("endpoint.one")).startsWith("DOWN for ");

        await("load served by two while one is down").atMost(Duration.ofSeconds(10))
                .until(() -> servedAfter.get() >= 200);
        assertThat(status("one").up()).as("one stays DOWN while its server is away").isFalse();

        // Back on the same port: a probe finds it, and new leases go there again
        returned.set(true); // from now on, one may serve again
        long restarted = System.nanoTime();
        startRedis(portOne, "one");
        await("one UP again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> status("one").up());
        long upAfter = System.nanoTime() - restarted;
        await("commands served by one again").atMost(Duration.ofSeconds(10))
                .until(() -> servedByOneAfterReturn.get() >= 50);

        System.out.printf("RedisFailoverTest: one marked DOWN %d ms after the kill; %d commands served after that, all by"
                + " two; one UP again %d ms after its restart began%n", detectedAfter / 1_000_000, servedAfter.get(),
                upAfter / 1_000_000);
        assertThat(firstFailureAfter.get()).as("first failure after the detection").isNull();
        assertThat(failedAcquisitionsAfter).hasValue(0);
        assertThat(failedCommandsAfter).hasValue(0);
        assertThat(servedByOneAfter).hasValue(0);
        assertThat(pool.check(CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.UP);
    }

    private EndpointStatus status(String endpoint) {
        return pool.endpoints().stream().filter(e -> e.name().equals(endpoint)).findFirst().orElseThrow();
    }

    private Process startRedis(int port, String name) throws IOException {
        Process p = new ProcessBuilder("/usr/bin/redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(new File("target/redis-failover-" + name + ".log"))
                .start();
        servers.add(p);
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port + "/0");
        try {
            await("redis-server " + name + " on " + port).atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        try (StatefulRedisConnection<String, String> c = client.connect()) {
                            return "OK".equals(c.sync().set("nebula:failover:name", name));
                        }
                    });
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
