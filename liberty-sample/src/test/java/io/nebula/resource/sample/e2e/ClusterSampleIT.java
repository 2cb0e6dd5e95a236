package io.nebula.resource.sample.e2e;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample on two Open Liberty servers with the {@code cluster} profile ({@code nebulaClusterA} and
 * {@code nebulaClusterB}, nodes {@code a} and {@code b}, started by the build beside the tests' main server): both
 * join the cluster on the local Redis, and a tenant's limit holds for the two together, not for each.
 */
class ClusterSampleIT {

    private static final String A = System.getProperty("cluster.a.url", "http://localhost:9080");
    private static final String B = System.getProperty("cluster.b.url", "http://localhost:9081");
    /**
     * {@code %cluster.nebula.resource.tenant-store.cluster.tenant.max-acquisitions-per-second} on these servers
     * ({@code sample.cluster.tenant-rate=1} in the pom): six callers ask for more than that even on a loaded machine.
     */
    private static final int RATE = 1;
    private static final String RATE_KEY = "cluster.tenant.max-acquisitions-per-second";
    /** Six callers also meet the tenant's two concurrent leases in the cluster: a refusal expected as well. */
    private static final String LEASES_KEY = "cluster.tenant.max-concurrent-leases";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // Liberty's HTTP/2 upgrade hangs under concurrent requests (sample.md)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void bothServersJoinTheClusterAsTheirOwnNodes() throws Exception {
        assertThat(clusterCheck(A).getJsonObject("data").getString("node")).isEqualTo("a");
        assertThat(clusterCheck(B).getJsonObject("data").getString("node")).isEqualTo("b");
        assertThat(clusterCheck(A).getString("status")).isEqualTo("UP");
        assertThat(clusterCheck(B).getString("status")).isEqualTo("UP");
    }

    /**
     * After ten runs on each server to warm it up, three callers per server run {@code process-payments} for one
     * tenant for six seconds; its RecordLedger acquires the tenant's store, limited to one acquisition per one-second
     * window in the whole cluster. Counted per
     * server alone, the two would admit about twice as many; the cluster's key refuses the rest. (A run may also
     * meet the tenant's two concurrent leases in the cluster: that refusal is expected too, any other failure is not.)
     */
    @Test
    void aTenantsRateLimitHoldsForBothServersTogether() throws Exception {
        String tenant = "cluster-it-" + UUID.randomUUID().toString().substring(0, 8);
        warmUp(A);
        warmUp(B);
        AtomicInteger attemptsOnA = new AtomicInteger();
        AtomicInteger attemptsOnB = new AtomicInteger();
        AtomicInteger admittedOnA = new AtomicInteger();
        AtomicInteger admittedOnB = new AtomicInteger();
        AtomicInteger refusedOnA = new AtomicInteger();
        AtomicInteger refusedOnB = new AtomicInteger();
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(6);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(6);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String server = i % 2 == 0 ? A : B;
            AtomicInteger refused = i % 2 == 0 ? refusedOnA : refusedOnB;
            AtomicInteger admitted = i % 2 == 0 ? admittedOnA : admittedOnB;
            AtomicInteger attempts = i % 2 == 0 ? attemptsOnA : attemptsOnB;
            running.add(callers.submit(() -> {
                while (System.nanoTime() < end) {
                    HttpResponse<String> run = post(server + "/api/workflows/process-payments?tenant=" + tenant);
                    attempts.incrementAndGet();
                    if (run.statusCode() == 200) {
                        admitted.incrementAndGet();
                    } else if (run.body().contains("NEBULA-4603") && run.body().contains(RATE_KEY)) {
                        refused.incrementAndGet();
                    } else if (!(run.body().contains("NEBULA-4603") && run.body().contains(LEASES_KEY))) {
                        unexpected.add(run.statusCode() + " " + run.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> caller : running) {
            caller.get(60, TimeUnit.SECONDS);
        }
        callers.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(unexpected).isEmpty();
        // every one-second window the runs touched admits at most RATE in the cluster: the first and the last partly
        int windows = (int) Math.ceil(seconds) + 1;
        // the check means something only if each server alone asked for more than the cluster allows: counted per
        // server, each would then admit about RATE per window, twice the bound together
        assertThat(Math.min(attemptsOnA.get(), attemptsOnB.get())).as("runs asked for on a: %d, b: %d",
                attemptsOnA.get(), attemptsOnB.get()).isGreaterThanOrEqualTo(2 * RATE * windows);
        // a node that counted alone meanwhile (Redis slower than nebula.cluster.redis-timeout) admits by local limits
        String alone = "admitted alone: a " + admittedAlone(A) + ", b " + admittedAlone(B);
        assertThat(admittedOnA.get() + admittedOnB.get())
                .as("admitted in %.1f s (%d windows; a: %d, b: %d; %s)", seconds, windows, admittedOnA.get(),
                        admittedOnB.get(), alone)
                .isPositive().isLessThanOrEqualTo(RATE * windows);
        // which server meets the exhausted window first depends on timing; together they must meet it
        assertThat(refusedOnA.get() + refusedOnB.get()).as("refusals naming %s (a: %d, b: %d)", RATE_KEY,
                refusedOnA.get(), refusedOnB.get()).isPositive();
    }

    /** A server's first runs are slow (classes loaded, code not compiled yet): run some before counting. */
    private static void warmUp(String server) throws Exception {
        for (int i = 0; i < 10; i++) {
            post(server + "/api/workflows/process-payments?tenant=warm-up-" + i);
        }
    }

    private static long admittedAlone(String server) throws Exception {
        return clusterCheck(server).getJsonObject("data").getJsonNumber("admitted-alone").longValue();
    }

    static JsonObject clusterCheck(String server) throws Exception {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(server + "/health/ready")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        try (JsonReader reader = Json.createReader(new StringReader(ready.body()))) {
            return reader.readObject().getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                    .filter(c -> c.getString("name").equals("nebula-resource:cluster"))
                    .findFirst().orElseThrow(() -> new AssertionError("no cluster check on " + server + ": " + ready.body()));
        }
    }

    static HttpResponse<String> post(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
