package io.nebula.resource.sample.e2e;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static io.nebula.resource.sample.e2e.ClusterDashboardIT.cluster;
import static io.nebula.resource.sample.e2e.ClusterSampleIT.clusterCheck;
import static io.nebula.resource.sample.e2e.ClusterSampleIT.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster's Redis lost under a RUNNING Open Liberty node: server {@code nebulaClusterC} (node {@code c}, the
 * sample's {@code cluster} profile, started by the build) counts on a private {@code redis-server} this test runs on
 * its own port ({@code it.cluster.redis.port}), with a password, since the machine's shared Redis may not be stopped.
 * The readiness check {@code nebula-resource:cluster} says UP, DEGRADED while Redis is stopped (SIGSTOP: it hangs) or
 * killed (SIGKILL), the sample serving meanwhile by its local limits, and UP again once Redis answers
 * (docs/health.md, "The cluster's check"); the dashboard's {@code GET nebula/api/cluster} with it.
 */
class ClusterRedisDownIT {

    private static final String C = System.getProperty("cluster.c.url", "http://localhost:9082");
    private static final int REDIS_PORT = Integer.getInteger("cluster.c.redis.port", 6391);
    private static final String PASSWORD = System.getProperty("cluster.c.redis.password", "c-test-only-9x7Qp2");
    /**
     * How long the node may take to see Redis gone or back. Gone: the next heartbeat (every third of the 3 s TTL)
     * fails at once when killed, after {@code redis-timeout} (1 s) when stopped. Back: the heartbeat after Lettuce
     * has reconnected, whose delay between attempts doubles while Redis is down (this test's outages last 1 to 3 s;
     * measured: UP 0.1 to 0.8 s after Redis answered again, printed below): the bounds leave a loaded machine its margin.
     */
    private static final Duration NOTICED = Duration.ofSeconds(15);
    private static final Duration BACK = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // Liberty's HTTP/2 upgrade hangs under concurrent requests (sample.md)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static Process redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = startRedisServer();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.destroyForcibly().waitFor(); // SIGKILL: ends it stopped or not
        }
    }

    @Test
    void theClusterCheckSaysDegradedWhileRedisHangsOrIsKilledTheSampleServesByLocalLimitsAndItIsUpWhenRedisReturns()
            throws Exception {
        awaitStatus("UP", BACK); // the node may have started before this Redis, counting alone (NEBULA-4601)
        JsonObject up = clusterCheck(C);
        assertThat(up.getString("status")).isEqualTo("UP");
        assertThat(up.getJsonObject("data").getString("node")).isEqualTo("c");
        assertThat(up.getJsonObject("data").containsKey("message")).as("no message when UP: %s", up).isFalse();
        assertThat(runs(3)).as("runs served with Redis answering").isEqualTo(3);

        // hangs: every call waits out its redis-timeout
        signal("STOP", redis);
        try {
            outage("hangs (SIGSTOP)");
        } finally {
            signal("CONT", redis);
        }
        long back = awaitStatus("UP", BACK);
        System.out.printf("UP %d ms after SIGCONT%n", back);

        // dies: refused at once; started again on the same port, without its data
        redis.destroyForcibly().waitFor();
        outage("killed (SIGKILL)");
        long restarted = System.nanoTime();
        redis = startRedisServer();
        back = awaitStatus("UP", BACK);
        System.out.printf("UP %d ms after the restart (%d ms after redis-server was started)%n", back,
                (System.nanoTime() - restarted) / 1_000_000);
        JsonObject upAgain = clusterCheck(C);
        assertThat(upAgain.getJsonObject("data").containsKey("message")).as("no message once UP: %s", upAgain).isFalse();
        JsonObject panel = cluster(C);
        assertThat(panel.getString("health")).isEqualTo("UP");
        assertThat(panel.containsKey("healthMessage")).as("%s", panel).isFalse();
        assertThat(runs(3)).as("runs served once Redis is back").isEqualTo(3);
    }

    /**
     * Redis is gone: the check says DEGRADED with the reason, as docs/health.md shows it, no secret anywhere in
     * /health, the node still ready; runs are served and counted as admitted by the local limits alone.
     */
    private static void outage(String how) throws Exception {
        long noticed = awaitStatus("DEGRADED", NOTICED);
        System.out.printf("DEGRADED %d ms after Redis %s%n", noticed, how);
        JsonObject degraded = clusterCheck(C);
        assertThat(degraded.getString("status")).as("DEGRADED is still ready: %s", degraded).isEqualTo("UP");
        JsonObject data = degraded.getJsonObject("data");
        assertThat(data.getString("node")).isEqualTo("c");
        // as docs/health.md shows it: the exception's class and the node, never the URL
        assertThat(data.getString("message")).isEqualTo("cluster backend unavailable "
                + "(io.nebula.resource.core.cluster.ClusterUnavailableException): node 'c' applies its local limits only");
        String health = get("/health").body();
        assertThat(health).as("the password of the cluster's Redis in /health").doesNotContain(PASSWORD);
        // the dashboard's GET nebula/api/cluster says the same (docs/operations.md), never the URL
        JsonObject panel = cluster(C);
        assertThat(panel.getString("health")).isEqualTo("DEGRADED");
        assertThat(panel.getString("healthMessage")).isEqualTo(data.getString("message"));
        assertThat(panel.toString()).doesNotContain(PASSWORD).doesNotContain("127.0.0.1:" + REDIS_PORT);

        long alone = data.getJsonNumber("admitted-alone").longValue();
        assertThat(runs(3)).as("runs served while Redis %s", how).isEqualTo(3);
        JsonObject after = clusterCheck(C);
        assertThat(after.getJsonObject("data").getString("status")).isEqualTo("DEGRADED");
        assertThat(after.getJsonObject("data").getJsonNumber("admitted-alone").longValue())
                .as("acquisitions admitted by the local limits alone while Redis %s", how).isGreaterThan(alone);
    }

    /** Waits for the check's {@code data.status}, polling; answers how long it took, in ms. */
    private static long awaitStatus(String status, Duration bound) {
        long start = System.nanoTime();
        await().atMost(bound).pollInterval(Duration.ofMillis(100)).alias("nebula-resource:cluster " + status)
                .untilAsserted(() -> {
                    JsonObject check = clusterCheck(C);
                    assertThat(check.getJsonObject("data").getString("status")).as("%s", check).isEqualTo(status);
                });
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Runs {@code process-payments} for new tenants one after the other (each acquires its tenant's store). */
    private static int runs(int n) throws Exception {
        int served = 0;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> run = post(C + "/api/workflows/process-payments?tenant=down-it-"
                    + UUID.randomUUID().toString().substring(0, 8));
            assertThat(run.statusCode()).as("%s", run.body()).isEqualTo(200);
            served++;
        }
        return served;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(C + path)).GET().timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A redis-server of this test only: no persistence (a restart loses the counts), its log in target/. */
    private static Process startRedisServer() throws Exception {
        Path log = Files.createDirectories(Path.of("target/cluster-redis-down")).resolve("redis-server.log");
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(REDIS_PORT), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--requirepass", PASSWORD)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).alias("redis-server on " + REDIS_PORT)
                .until(() -> {
                    assertThat(p.isAlive()).as("redis-server exited, see %s", log).isTrue();
                    return accepts(REDIS_PORT);
                });
        return p;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(String name, Process p) throws Exception {
        if (p.isAlive()) {
            int exit = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
            assertThat(exit).as("kill -%s %d", name, p.pid()).isZero();
        }
    }
}
