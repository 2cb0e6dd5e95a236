package io.nebula.resource.faults;

import io.nebula.resource.testing.FaultProxy;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * One outage under load, and what was seen of it: every call's duration and outcome, readiness as sampled every
 * 20 ms, the server's connections. Times are {@link System#nanoTime()}; figures are read after {@link #run}.
 */
final class Outage {

    /** One call of a worker. */
    interface Call {
        void run() throws Exception;
    }

    static final Duration NEVER = Duration.ofDays(1);
    private static final Duration BEFORE = Duration.ofSeconds(3); // load before the fault, health settled
    private static final Duration AFTER = Duration.ofSeconds(5); // load after the return: the 2 s bound and more
    private static final long THINK_NANOS = Duration.ofMillis(5).toNanos(); // an application does other work too
    private static final long SAMPLE_NANOS = Duration.ofMillis(20).toNanos();

    private final String resource;
    private final Call call;
    private final Supplier<HealthCheckResponse> readiness;
    private final Supplier<OptionalInt> serverSide;
    private final FaultProxy proxy;
    private final List<String> secrets;

    private volatile boolean running;
    private volatile long downAt = Long.MAX_VALUE;
    private volatile long upAt = Long.MAX_VALUE;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong successesAfterUp = new AtomicLong();
    private final AtomicLong longest = new AtomicLong();
    private final AtomicReference<String> longestCall = new AtomicReference<>("none");
    private final AtomicLong firstFailureAfterDown = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastFailureStart = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong firstSuccessAfterUp = new AtomicLong(Long.MAX_VALUE);
    private final Map<String, Throwable> errors = new ConcurrentHashMap<>();
    private final Set<String> withSecrets = ConcurrentHashMap.newKeySet();
    private final List<long[]> readinessChanges = new CopyOnWriteArrayList<>(); // {time, 1 = UP / 0 = DOWN}
    private final AtomicLong serverPeak = new AtomicLong(-1);
    private final AtomicInteger serverCountsMissed = new AtomicInteger();

    Outage(String resource, Call call, Supplier<HealthCheckResponse> readiness, Supplier<OptionalInt> serverSide,
           FaultProxy proxy, List<String> secrets) {
        this.resource = resource;
        this.call = call;
        this.readiness = readiness;
        this.serverSide = serverSide;
        this.proxy = proxy;
        this.secrets = secrets;
    }

    /** Warms up, then {@code workers} threads call while the proxy is up, down for {@code length}, and up again. */
    void run(int workers, Duration length) throws InterruptedException {
        await(resource + " answering through the proxy").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> {
                    call.run();
                    return true;
                });
        running = true;
        Thread sampler = thread(resource + "-sampler", this::sample);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            threads.add(thread(resource + "-worker-" + i, this::work));
        }
        try {
            Thread.sleep(BEFORE.toMillis()); // the scenario's own timeline, not a wait for a condition
            downAt = System.nanoTime();
            proxy.down();
            Thread.sleep(length.toMillis());
            proxy.up();
            upAt = System.nanoTime();
            Thread.sleep(AFTER.toMillis());
        } finally {
            proxy.up();
            running = false;
            for (Thread t : threads) {
                t.join();
            }
            sampler.join();
        }
    }

    private void work() {
        while (running) {
            long start = System.nanoTime();
            Throwable error = null;
            try {
                call.run();
            } catch (Exception | Error e) {
                error = e;
            }
            long end = System.nanoTime();
            record(start, end, error);
            LockSupport.parkNanos(THINK_NANOS);
        }
    }

    private void record(long start, long end, Throwable error) {
        calls.incrementAndGet();
        long took = end - start;
        if (took > longest.getAndAccumulate(took, Math::max)) {
            longestCall.set((error == null ? "succeeded" : "failed with " + error) + ", began "
                    + relative(start) + " after the proxy went down");
        }
        if (error == null) {
            if (start >= upAt) {
                successesAfterUp.incrementAndGet();
                firstSuccessAfterUp.accumulateAndGet(end, Math::min);
            }
            return;
        }
        failures.incrementAndGet();
        if (end >= downAt) {
            firstFailureAfterDown.accumulateAndGet(end, Math::min);
        }
        lastFailureStart.accumulateAndGet(start, Math::max);
        errors.putIfAbsent(chain(error).stream().map(t -> t.getClass().getName()).collect(Collectors.joining(" <- ")), error);
        for (Throwable t : chain(error)) {
            check(String.valueOf(t.getMessage()));
        }
    }

    private void sample() {
        int n = 0;
        while (running) {
            HealthCheckResponse response = readiness.get();
            long status = response.getStatus() == HealthCheckResponse.Status.UP ? 1 : 0;
            if (readinessChanges.isEmpty() || readinessChanges.get(readinessChanges.size() - 1)[1] != status) {
                readinessChanges.add(new long[]{System.nanoTime(), status});
            }
            response.getData().ifPresent(data -> data.values().forEach(v -> check(String.valueOf(v))));
            if (n++ % 10 == 0) {
                countServerSide();
            }
            LockSupport.parkNanos(SAMPLE_NANOS);
        }
    }

    /**
     * The count goes to the real server, which other builds on this machine may restart (the JDBC module's restart
     * test): a count that fails is missed, not the end of the sampling. A sampler that died there took readiness'
     * later changes with it, and the recovery test failed with readiness "never UP" while every call succeeded.
     */
    private void countServerSide() {
        try {
            serverSide.get().ifPresent(c -> serverPeak.accumulateAndGet(c, Math::max));
        } catch (RuntimeException e) {
            serverCountsMissed.incrementAndGet();
        }
    }

    private void check(String message) {
        for (String secret : secrets) {
            if (message.contains(secret)) {
                withSecrets.add(message);
            }
        }
    }

    long failures() {
        return failures.get();
    }

    long successesAfterRecovery() {
        return successesAfterUp.get();
    }

    Duration longestCall() {
        return Duration.ofNanos(longest.get());
    }

    String longestCallDescription() {
        return longestCall.get();
    }

    /** Each chain of error types seen (outermost first), with the first error of that chain. */
    Map<String, Throwable> errorTypes() {
        return new TreeMap<>(errors);
    }

    /** The errors seen whose type {@code documented} refuses, with their messages. */
    List<String> undocumented(Predicate<Throwable> documented) {
        return errors.values().stream().filter(documented.negate()).map(Throwable::toString).toList();
    }

    /** How long after the server's return the last failed call began: zero or less when none failed after it. */
    Duration lastFailureAfterReturn() {
        return Duration.ofNanos(Math.max(0, lastFailureStart.get() - upAt));
    }

    Set<String> messagesWithSecrets() {
        return withSecrets;
    }

    OptionalInt serverSidePeak() {
        long peak = serverPeak.get();
        return peak < 0 ? OptionalInt.empty() : OptionalInt.of((int) peak);
    }

    /** From the first failed call after the proxy went down to readiness DOWN (zero when it was DOWN first). */
    Duration readinessDownAfterFirstFailure() {
        long firstFailure = firstFailureAfterDown.get();
        for (long[] change : readinessChanges) {
            if (change[1] == 0 && change[0] >= downAt) {
                return Duration.ofNanos(Math.max(0, change[0] - firstFailure));
            }
        }
        return NEVER;
    }

    /** From the first successful call after the return to readiness UP for good (zero when it was UP first). */
    Duration readinessUpAfterRecovery() {
        long[] last = readinessChanges.get(readinessChanges.size() - 1);
        if (last[1] == 0) {
            return NEVER;
        }
        return Duration.ofNanos(Math.max(0, last[0] - firstSuccessAfterUp.get()));
    }

    /** Readiness as sampled: each change, in ms after the proxy went down, with the first failure and the return. */
    String readinessLog() {
        return "first failure at " + relative(firstFailureAfterDown.get()) + ", return at " + relative(upAt)
                + ", first success after it at " + relative(firstSuccessAfterUp.get()) + "; readiness "
                + readinessChanges.stream().map(c -> (c[1] == 1 ? "UP" : "DOWN") + "@" + relative(c[0]))
                .collect(Collectors.joining(" "));
    }

    String summary(String scenario) {
        return String.format("FAULT-SUITE %s: calls=%d failures=%d longest=%d ms (%s); errors=%s; last failure %d ms after "
                        + "return; readiness DOWN %s after first failure, UP %s after recovery; proxy peak=%d, server peak=%s; %s",
                scenario, calls.get(), failures.get(), longestCall().toMillis(), longestCall.get(), errors.keySet(),
                lastFailureAfterReturn().toMillis(), millis(readinessDownAfterFirstFailure()),
                millis(readinessUpAfterRecovery()), proxy.peakConnections(),
                serverSidePeak().isPresent() ? serverSidePeak().getAsInt() + " (" + serverCountsMissed.get() + " counts missed)"
                        : "not counted", readinessLog());
    }

    private static String millis(Duration d) {
        return d.equals(NEVER) ? "never" : d.toMillis() + " ms";
    }

    private String relative(long t) {
        if (t == Long.MAX_VALUE || t == Long.MIN_VALUE || downAt == Long.MAX_VALUE) {
            return "-";
        }
        return (t - downAt) / 1_000_000 + " ms";
    }

    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
