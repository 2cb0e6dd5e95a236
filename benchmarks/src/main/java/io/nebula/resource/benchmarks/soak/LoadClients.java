package io.nebula.resource.benchmarks.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The load: {@code clients} threads, each running the sample's two workflows one after the other for its tenant
 * ({@code POST /api/workflows/fetch-orders}, then {@code process-payments}) without pause, each on its own HTTP
 * connection. Successes are counted; each failure (an answer other than 200, or no answer within
 * {@value #TIMEOUT_SECONDS} s) is kept with its time, so the report can tell failures during an outage from the others.
 */
final class LoadClients {

    static final int TIMEOUT_SECONDS = 30;
    static final List<String> WORKFLOWS = List.of("fetch-orders", "process-payments");

    /** A failed request: when it started and ended (ms from the start of the load), and what came back. */
    record Failure(long startMs, long endMs, String workflow, String tenant, String outcome) {
    }

    private final Function<String, URI> uri;
    private final List<String> tenants;
    private final int clients;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private long startNanos;
    private long startEpochMs;

    LoadClients(Function<String, URI> uri, int clients, List<String> tenants) {
        this.uri = uri;
        this.clients = clients;
        this.tenants = tenants;
    }

    /**
     * Charges {@code count} payments straight through the sample's fake payment provider ({@code POST
     * /api/fake-payments/charges}), {@code parallel} at a time, and returns how many were refused. The provider keeps
     * its last 10,000 charges in memory: filled before the load begins, it does not grow during the run, and its
     * bounded growth is not taken for a leak.
     */
    static int prefill(Function<String, URI> uri, int count, int parallel) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            Thread thread = new Thread(() -> {
                for (long n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                    try {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri.apply("/api/fake-payments/charges"))
                                .timeout(Duration.ofSeconds(TIMEOUT_SECONDS)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"soak-prefill-" + n
                                        + "\",\"amountCents\":100,\"currency\":\"EUR\"}")).build(), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 201) {
                            refused.incrementAndGet();
                        }
                    } catch (IOException e) {
                        refused.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "soak-prefill-" + i);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return (int) refused.get();
    }

    void start() {
        startNanos = System.nanoTime();
        startEpochMs = System.currentTimeMillis();
        running = true;
        for (int i = 0; i < clients; i++) {
            String tenant = tenants.get(i % tenants.size());
            // One HTTP client per load client: one connection each, as N separate callers would have.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Thread thread = new Thread(() -> loop(http, tenant), "soak-client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void loop(HttpClient http, String tenant) {
        while (running) {
            for (String workflow : WORKFLOWS) {
                if (!running) {
                    return;
                }
                call(http, workflow, tenant);
            }
        }
    }

    private void call(HttpClient http, String workflow, String tenant) {
        long start = System.nanoTime();
        String outcome;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri.apply("/api/workflows/" + workflow + "?tenant=" + tenant))
                            .timeout(Duration.ofSeconds(TIMEOUT_SECONDS)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                ok.incrementAndGet();
                return;
            }
            outcome = response.statusCode() + " " + excerpt(response.body());
        } catch (IOException e) {
            outcome = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        failed.incrementAndGet();
        failures.add(new Failure(millis(start), millis(System.nanoTime()), workflow, tenant, outcome));
    }

    private long millis(long nanos) {
        return (nanos - startNanos) / 1_000_000;
    }

    /** The error of a failed run: its failed step's error when the sample said which, otherwise the start of the body. */
    private static String excerpt(String body) {
        int error = body.indexOf("\"error\":\"");
        String text = error >= 0 ? body.substring(error + 9) : body;
        int end = text.indexOf('"');
        if (error >= 0 && end >= 0) {
            text = text.substring(0, end);
        }
        return text.length() > 240 ? text.substring(0, 240) + "..." : text;
    }

    long startNanos() {
        return startNanos;
    }

    /** The wall-clock time the load began, to place a server's own start time on the run's clock. */
    long startEpochMs() {
        return startEpochMs;
    }

    long ok() {
        return ok.get();
    }

    long failed() {
        return failed.get();
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Stops the clients after their current request and waits for them (at most the request timeout). */
    void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(TIMEOUT_SECONDS + 5).toMillis());
        }
    }
}
