package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.smallrye.metrics.MetricRegistryProducer;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.weld.environment.se.WeldContainer;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One node of {@link ClusterAcrossProcessesTest}, in a process of its own: a Weld SE application with the Nebula
 * extension whose MicroProfile Config is the properties file named by the first argument (copied into the system
 * properties, which SmallRye Config reads), the later {@code key=value} arguments overriding it. It reads commands on
 * stdin, one a line, and writes what it observes on stdout, one a line, each beginning with a word the test parses:
 * <ul>
 *   <li>{@code load <resource> <tenants> <threads> <hold-max-ms> <quota>}: threads that acquire the resource in a loop,
 *       for a random tenant among {@code tenant-0..tenants-1} ({@code 0}: no tenant), half of the time one of the five
 *       first (so their quota is reached), holding each lease a random 0..hold-max ms. With a quota, each lease
 *       increments the tenant's count in the hash {@code threejvm:held} of the observing Redis (the system property
 *       {@code threejvm.observe}) once acquired and decrements it before it is closed: the count is then never more
 *       than the leases the tenants really hold across the nodes, and every value the increment returns above the
 *       quota is an overshoot. Each acquisition is counted in {@code threejvm:rate:<second>} of the tenant when its
 *       start and end fall in one second of this node's clock (the window the cluster counted it in), else in
 *       {@code threejvm:straddle}. The resource's type follows its name: {@code store*} a {@link LineBackendProvider.Line},
 *       {@code pg*} a {@link PgSessionProvider.Session}, any other a {@link TokenProvider.Token}.</li>
 *   <li>{@code mark} / {@code stop}: {@code STATS ...} of the load since the last mark (then {@code STOPPED} when stopped).</li>
 *   <li>{@code hold <resource> <tenant> <n>}: acquires n leases and keeps them: {@code HELD <n>} or {@code HOLD-FAILED}.</li>
 *   <li>{@code try <resource> <tenant>}: one acquisition, closed at once: {@code TRY ok} or {@code TRY <class> <limit>}.</li>
 *   <li>{@code health}: {@code HEALTH <status of nebula-resource:cluster>}.</li>
 *   <li>{@code query}, {@code refresh}, {@code sessions}, {@code connect}: a JDBC resource's DataSource (each method's
 *       javadoc).</li>
 * </ul>
 * Besides: {@code READY} once deployed; {@code EVT <nanoTime> <outcome>} whenever the outcome of the load's
 * acquisitions changes ({@code ok}, {@code circuit-open <seen-by>}, {@code fail <class>}); {@code LOG <nanoTime> <message>}
 * for each log record {@code NEBULA-46xx} (the cluster's) and {@code NEBULA-4302} (this node's credentials changed). nanoTime is CLOCK_MONOTONIC on Linux, one clock for every
 * process of the machine.
 */
public final class ClusterNodeProcess {

    private static final Object OUT = new Object();

    private final WeldContainer container;
    private final Resources resources;
    private final WorkflowContexts contexts;
    private final RedisCommands<String, String> observe;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Lease<?>> kept = new ArrayList<>();
    private final List<java.sql.Connection> connections = new ArrayList<>();
    private final Map<String, AtomicInteger> heldHere = new ConcurrentHashMap<>();
    private final AtomicReference<String> lastOutcome = new AtomicReference<>("");
    private volatile boolean running;
    private volatile Phase phase = new Phase();

    /** What the load saw since the last mark. */
    private static final class Phase {
        final LongAdder acquired = new LongAdder();
        final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
        final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
        final AtomicLong maxLatencyNanos = new AtomicLong();
        final AtomicLong maxHeldAcross = new AtomicLong();
        final AtomicLong maxHeldHere = new AtomicLong();
        final LongAdder over = new LongAdder();

        String line() {
            return "STATS acquired=" + acquired.sum() + " maxLatencyMs=" + maxLatencyNanos.get() / 1_000_000
                    + " maxHeldAcross=" + maxHeldAcross.get() + " maxHeldHere=" + maxHeldHere.get() + " over=" + over.sum()
                    + " refused=" + sums(refused) + " failed=" + sums(failed);
        }

        private static String sums(Map<String, LongAdder> m) {
            StringBuilder b = new StringBuilder();
            m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append(':').append(v.sum()));
            return b.length() == 0 ? "-" : b.toString();
        }
    }

    private ClusterNodeProcess(WeldContainer container, RedisCommands<String, String> observe) {
        this.container = container;
        this.resources = container.select(Resources.class).get();
        this.contexts = container.select(WorkflowContexts.class).get();
        this.observe = observe;
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (FileReader r = new FileReader(args[0], StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            p.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        p.forEach((k, v) -> System.setProperty((String) k, (String) v));
        RedisClient client = RedisClient.create(System.getProperty("threejvm.observe"));
        StatefulRedisConnection<String, String> connection = client.connect();
        WeldContainer container = NebulaWeld.container(MetricRegistryProducer.class)
                .containerId(System.getProperty("nebula.cluster.node-id")).initialize();
        // after the container: its start may reset java.util.logging's configuration; the cluster's node and gate
        // log nothing before the heartbeat's first beat, which comes after deployment
        Logger.getLogger("").addHandler(new ClusterLogs());
        ClusterNodeProcess node = new ClusterNodeProcess(container, connection.sync());
        say("READY");
        node.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        container.shutdown();
        connection.close();
        client.shutdown();
        say("EXITED");
        System.exit(0);
    }

    static void say(String line) {
        synchronized (OUT) {
            System.out.println(line);
            System.out.flush();
        }
    }

    private void serve(BufferedReader in) throws Exception {
        String line;
        while ((line = in.readLine()) != null) {
            String[] c = line.trim().split(" ");
            switch (c[0]) {
                case "load" -> load(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]), Integer.parseInt(c[4]),
                        Integer.parseInt(c[5]));
                case "mark" -> mark();
                case "stop" -> {
                    stop();
                    say("STOPPED");
                }
                case "hold" -> hold(c[1], c[2], Integer.parseInt(c[3]));
                case "try" -> tryOnce(c[1], c[2]);
                case "health" -> say("HEALTH " + health());
                case "query" -> query(c[1], Integer.parseInt(c[2]));
                case "refresh" -> refresh(c[1]);
                case "sessions" -> sessions(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]),
                        c.length > 4 ? Integer.parseInt(c[4]) : 0);
                case "connect" -> connect(c[1], c[2], Integer.parseInt(c[3]));
                case "exit" -> {
                    stop();
                    kept.forEach(Lease::close);
                    return;
                }
                default -> say("UNKNOWN " + line);
            }
        }
    }

    private void mark() {
        Phase done = phase;
        phase = new Phase();
        say(done.line());
    }

    private void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join();
        }
        threads.clear();
        mark();
    }

    private static Class<?> typeOf(String resource) {
        if (resource.startsWith("pg")) {
            return PgSessionProvider.Session.class;
        }
        return resource.startsWith("store") ? LineBackendProvider.Line.class : TokenProvider.Token.class;
    }

    private Lease<?> acquire(String resource, String tenant) {
        if (tenant == null || tenant.equals("-")) {
            return resources.acquire(resource, typeOf(resource));
        }
        try (ScopeHandle h = contexts.enter(tenant, null, null, null)) {
            return resources.acquire(resource, typeOf(resource));
        }
    }

    private void load(String resource, int tenants, int threadCount, int holdMaxMs, int quota) {
        running = true;
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> {
                while (running) {
                    once(resource, tenants, holdMaxMs, quota);
                }
            }, "load-" + i);
            t.start();
            threads.add(t);
        }
        say("LOADING " + threadCount);
    }

    private void once(String resource, int tenants, int holdMaxMs, int quota) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String tenant = tenants == 0 ? null
                : "tenant-" + (random.nextBoolean() ? random.nextInt(Math.min(5, tenants)) : random.nextInt(tenants));
        Phase p = phase;
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        Lease<?> lease;
        try {
            lease = acquire(resource, tenant);
        } catch (QuotaExceededException e) {
            p.maxLatencyNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            p.refused.computeIfAbsent(e.limit(), k -> new LongAdder()).increment();
            outcome("refused");
            return;
        } catch (CircuitOpenException e) {
            p.maxLatencyNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            p.failed.computeIfAbsent("CircuitOpenException", k -> new LongAdder()).increment();
            outcome("circuit-open " + e.seenBy());
            pause(5);
            return;
        } catch (RuntimeException e) {
            p.maxLatencyNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            p.failed.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
            traceFailure(e);
            outcome("fail " + e.getClass().getSimpleName());
            pause(5);
            return;
        }
        p.maxLatencyNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
        long endMillis = System.currentTimeMillis();
        p.acquired.increment();
        outcome("ok");
        try (lease) {
            if (quota > 0) {
                AtomicInteger here = heldHere.computeIfAbsent(tenant, k -> new AtomicInteger());
                p.maxHeldHere.accumulateAndGet(here.incrementAndGet(), Math::max);
                long across = observe.hincrby("threejvm:held", tenant, 1);
                p.maxHeldAcross.accumulateAndGet(across, Math::max);
                if (across > quota) {
                    p.over.increment();
                    say("OVER " + tenant + " " + across);
                }
                if (startMillis / 1000 == endMillis / 1000) {
                    observe.hincrby("threejvm:rate:" + endMillis / 1000, tenant, 1);
                } else {
                    observe.hincrby("threejvm:straddle", tenant, 1);
                }
                pause(holdMaxMs == 0 ? 0 : random.nextInt(holdMaxMs + 1));
                observe.hincrby("threejvm:held", tenant, -1);
                here.decrementAndGet();
            } else {
                pause(holdMaxMs == 0 ? 0 : random.nextInt(holdMaxMs + 1));
            }
        }
    }

    private final AtomicInteger tracedFailures = new AtomicInteger();

    /** The first few failures' stack traces into the node's log (its stderr): why an acquisition failed. */
    private void traceFailure(RuntimeException e) {
        if (tracedFailures.incrementAndGet() <= 5) {
            System.err.println("FAILED at " + System.nanoTime() + " on " + Thread.currentThread().getName());
            e.printStackTrace();
        }
    }

    private void outcome(String outcome) {
        if (!outcome.equals(lastOutcome.getAndSet(outcome))) {
            say("EVT " + System.nanoTime() + " " + outcome);
        }
    }

    private static void pause(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@code query <resource> <threads>}: threads that run {@code SELECT CONNECTION_ID()} through the resource's
     * DataSource in a loop, saying {@code SESSION <id>} the first time a server session serves this node; counted in
     * STATS (acquired: queries that succeeded, failed: by exception class).
     */
    private void query(String resource, int threadCount) {
        running = true;
        java.util.Set<Long> seen = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> {
                while (running) {
                    Phase p = phase;
                    try (Lease<javax.sql.DataSource> l = resources.acquire(resource, javax.sql.DataSource.class);
                         java.sql.Connection c = l.get().getConnection(); java.sql.Statement s = c.createStatement();
                         java.sql.ResultSet r = s.executeQuery("SELECT CONNECTION_ID()")) {
                        r.next();
                        long id = r.getLong(1);
                        if (seen.add(id)) {
                            say("SESSION " + id);
                        }
                        p.acquired.increment();
                        outcome("ok");
                    } catch (Exception e) {
                        p.failed.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
                        outcome("fail " + e.getClass().getSimpleName());
                    }
                    pause(2);
                }
            }, "query-" + i);
            t.start();
            threads.add(t);
        }
        say("QUERYING " + threadCount);
    }

    /**
     * {@code sessions <resource> <tenants> <threads> [<hot>]}: threads that, in a loop, acquire the resource's DataSource
     * for a random tenant among {@code tenant-0..tenants-1} (half of the time one of the {@code hot} first, when given,
     * so their limits are reached), run {@code pg_sleep} for a random 1..30 ms on one connection and give it back; a
     * refusal by a limit (a QuotaExceededException, however wrapped) is counted in STATS' refused by limit and backs off
     * 1..20 ms, any other failure in failed by class.
     */
    private void sessions(String resource, int tenants, int threadCount, int hot) {
        running = true;
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (running) {
                    Phase p = phase;
                    String tenant = "tenant-" + (hot > 0 && random.nextBoolean() ? random.nextInt(hot) : random.nextInt(tenants));
                    try (ScopeHandle h = contexts.enter(tenant, null, null, null);
                         Lease<javax.sql.DataSource> l = resources.acquire(resource, javax.sql.DataSource.class);
                         java.sql.Connection c = l.get().getConnection(); java.sql.Statement s = c.createStatement()) {
                        s.execute("select pg_sleep(" + random.nextInt(1, 31) / 1000.0 + ")");
                        p.acquired.increment();
                    } catch (Exception e) {
                        QuotaExceededException q = null;
                        for (Throwable x = e; x != null && q == null; x = x.getCause() == x ? null : x.getCause()) {
                            if (x instanceof QuotaExceededException found) {
                                q = found;
                            }
                        }
                        if (q != null) {
                            p.refused.computeIfAbsent(q.limit(), k -> new LongAdder()).increment();
                            pause(random.nextInt(1, 21));
                        } else {
                            p.failed.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
                            outcome("fail " + e.getClass().getSimpleName());
                            pause(5);
                        }
                    }
                }
            }, "sessions-" + i);
            t.start();
            threads.add(t);
        }
        say("LOADING " + threadCount);
    }

    /**
     * {@code connect <resource> <tenant> <n>}: opens n JDBC connections of the tenant's DataSource and keeps them
     * (until the process ends): {@code CONNECTED <n>}, or {@code CONNECT-REFUSED <n-opened> <limit>} when a limit
     * refused one (those opened are kept), {@code CONNECT-FAILED <class>} otherwise.
     */
    private void connect(String resource, String tenant, int n) {
        int opened = 0;
        try (ScopeHandle h = contexts.enter(tenant, null, null, null)) {
            Lease<javax.sql.DataSource> l = resources.acquire(resource, javax.sql.DataSource.class);
            kept.add(l);
            for (; opened < n; opened++) {
                java.sql.Connection c = l.get().getConnection();
                connections.add(c); // kept open until the process ends
            }
            say("CONNECTED " + n);
        } catch (Exception e) {
            QuotaExceededException q = null;
            for (Throwable x = e; x != null && q == null; x = x.getCause() == x ? null : x.getCause()) {
                if (x instanceof QuotaExceededException found) {
                    q = found;
                }
            }
            say(q != null ? "CONNECT-REFUSED " + opened + " " + q.limit() : "CONNECT-FAILED " + e.getClass().getSimpleName());
        }
    }

    /** {@code refresh <resource>}: an operator's credential refresh through the admin API: {@code REFRESHED}. */
    private void refresh(String resource) {
        container.select(io.nebula.resource.admin.ResourceAdmin.class).get().refreshCredentials(resource);
        say("REFRESHED " + System.nanoTime());
    }

    private void hold(String resource, String tenant, int n) {
        try {
            for (int i = 0; i < n; i++) {
                kept.add(acquire(resource, tenant));
            }
            say("HELD " + n);
        } catch (RuntimeException e) {
            say("HOLD-FAILED " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    private void tryOnce(String resource, String tenant) {
        try (Lease<?> l = acquire(resource, tenant)) {
            say("TRY ok");
        } catch (QuotaExceededException e) {
            say("TRY QuotaExceededException " + e.limit());
        } catch (RuntimeException e) {
            say("TRY " + e.getClass().getSimpleName() + " -");
        }
    }

    private String health() {
        for (HealthCheck check : container.select(HealthCheck.class, Readiness.Literal.INSTANCE)) {
            HealthCheckResponse r = check.call();
            if (r.getName().equals("nebula-resource:cluster")) {
                return String.valueOf(r.getData().orElseThrow().get("status"));
            }
        }
        return "NONE";
    }

    /** Reports the cluster's log records (NEBULA-46xx) with the instant they were made. */
    private static final class ClusterLogs extends Handler {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            String message = format.formatMessage(record);
            if (message != null && (message.startsWith("NEBULA-46") || message.startsWith("NEBULA-4302"))) {
                say("LOG " + System.nanoTime() + " " + message.replace('\n', ' '));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
