package io.nebula.resource.benchmarks.soak;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads what a leak would grow, from outside the server: heap after a forced full GC, live threads (both over JMX
 * from the server's JVM, attached by pid), its open file descriptors ({@code /proc/<pid>/fd}), and the connections
 * the servers themselves see from it — PostgreSQL's {@code pg_stat_activity} rows and Redis' {@code CLIENT LIST}
 * entries carrying the soak run's own name, which the run gives the sample's resources. The probe talks to the real
 * servers directly, not through the fault proxies, so it reads them while the proxies are down too.
 */
final class Probe implements AutoCloseable {

    /** One sample: heap in bytes, the others counts. */
    record Reading(long heapAfterGcBytes, int threads, int executorThreads, int fileDescriptors, int postgresConnections,
                   int redisConnections) {
    }

    /** The name of Liberty's default executor's threads, which it adds and removes by throughput. */
    static final String EXECUTOR_THREAD = "Default Executor-thread-";

    private final long pid;
    private final String name;
    private final String postgresUrl;
    private final String postgresUser;
    private final InetSocketAddress redis;
    private final JMXConnector jmx;
    private final MemoryMXBean memory;
    private final ThreadMXBean threads;
    private final List<GarbageCollectorMXBean> collectors;
    private final Set<String> heapPools;
    private Connection postgres;

    private Probe(long pid, String name, String postgresUrl, String postgresUser, InetSocketAddress redis) throws IOException {
        this.pid = pid;
        this.name = name;
        this.postgresUrl = postgresUrl;
        this.postgresUser = postgresUser;
        this.redis = redis;
        this.jmx = JMXConnectorFactory.connect(new JMXServiceURL(localManagementAgent(pid)));
        MBeanServerConnection server = jmx.getMBeanServerConnection();
        this.memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        this.threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        this.collectors = ManagementFactory.getPlatformMXBeans(server, GarbageCollectorMXBean.class);
        this.heapPools = ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class).stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    }

    /**
     * Attaches to the JVM {@code pid} and opens one JMX connection for the whole run.
     *
     * @param name the {@code application_name} and Redis client name the sample's connections carry
     */
    static Probe attach(long pid, String name, String postgresUrl, String postgresUser, InetSocketAddress redis) throws IOException {
        return new Probe(pid, name, postgresUrl, postgresUser, redis);
    }

    private static String localManagementAgent(long pid) throws IOException {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                return vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IOException("cannot attach to the server's JVM (pid " + pid + ")", e);
        }
    }

    Reading read() throws IOException, SQLException {
        long heap = heapAfterGc();
        ThreadInfo[] live = threads.getThreadInfo(threads.getAllThreadIds(), 0);
        int executor = 0;
        for (ThreadInfo thread : live) {
            if (thread != null && thread.getThreadName().startsWith(EXECUTOR_THREAD)) {
                executor++;
            }
        }
        return new Reading(heap, threads.getThreadCount(), executor, fileDescriptors(), postgresConnections(), redisConnections());
    }

    /**
     * Forces a full collection ({@code System.gc()} in the server's JVM) and returns the heap it left: the heap pools'
     * usage after that collection as the collector reports it, so that what the server allocated since is not counted.
     */
    private long heapAfterGc() {
        Map<GarbageCollectorMXBean, Long> before = collectors.stream()
                .collect(Collectors.toMap(c -> c, GarbageCollectorMXBean::getCollectionCount));
        memory.gc();
        GcInfo last = null;
        for (GarbageCollectorMXBean collector : collectors) {
            GcInfo info = collector.getLastGcInfo();
            if (collector.getCollectionCount() > before.get(collector) && info != null
                    && (last == null || info.getEndTime() > last.getEndTime())) {
                last = info;
            }
        }
        if (last == null) {
            return memory.getHeapMemoryUsage().getUsed();
        }
        return last.getMemoryUsageAfterGc().entrySet().stream()
                .filter(e -> heapPools.contains(e.getKey())).map(Map.Entry::getValue).mapToLong(MemoryUsage::getUsed).sum();
    }

    private int fileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    private int postgresConnections() throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try {
                connectPostgres();
                try (PreparedStatement count = postgres.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
                    count.setString(1, name);
                    try (ResultSet row = count.executeQuery()) {
                        row.next();
                        return row.getInt(1);
                    }
                }
            } catch (SQLException e) {
                closePostgres();
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    /** {@code CLIENT LIST}; counts the entries named {@link #name}. */
    private int redisConnections() throws IOException {
        String needle = " name=" + name + " ";
        return (int) redisCommand("CLIENT", "LIST").lines().filter(l -> (l + " ").contains(needle)).count();
    }

    /** When the real servers last started. */
    record Starts(Instant postgres, String redisRunId, Instant redis) {
    }

    /**
     * When PostgreSQL ({@code pg_postmaster_start_time()}) and Redis ({@code INFO server}: its {@code run_id}, and now
     * less its {@code uptime_in_seconds}) last started: a change between two samples is a restart the soak did not make
     * (the servers are shared).
     */
    Starts starts() throws IOException, SQLException {
        Instant postgresStart;
        connectPostgres();
        try (PreparedStatement query = postgres.prepareStatement("SELECT pg_postmaster_start_time()");
             ResultSet row = query.executeQuery()) {
            row.next();
            postgresStart = row.getTimestamp(1).toInstant();
        }
        String runId = null;
        long uptime = 0;
        for (String line : redisCommand("INFO", "server").lines().toList()) {
            if (line.startsWith("run_id:")) {
                runId = line.substring(7).trim();
            } else if (line.startsWith("uptime_in_seconds:")) {
                uptime = Long.parseLong(line.substring(18).trim());
            }
        }
        return new Starts(postgresStart, runId, Instant.now().minusSeconds(uptime));
    }

    /** One command in the Redis protocol over a connection of its own; its bulk-string answer. */
    private String redisCommand(String... command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(redis, 2000);
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
            for (String part : command) {
                request.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = line(in);
            if (!header.startsWith("$")) {
                throw new IOException("Redis answered " + String.join(" ", command) + " with " + header);
            }
            return new String(in.readNBytes(Integer.parseInt(header.substring(1))), StandardCharsets.UTF_8);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("Redis closed the connection");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Runs {@code sql} on the probe's PostgreSQL connection (the soak's clean-up of its tenants' rows). */
    int update(String sql, String parameter) throws SQLException {
        connectPostgres();
        try (PreparedStatement statement = postgres.prepareStatement(sql)) {
            statement.setString(1, parameter);
            return statement.executeUpdate();
        }
    }

    private void connectPostgres() throws SQLException {
        if (postgres == null || postgres.isClosed()) {
            postgres = DriverManager.getConnection(postgresUrl, postgresUser, "");
        }
    }

    private void closePostgres() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (SQLException ignored) {
                // the connection is gone either way
            }
            postgres = null;
        }
    }

    @Override
    public void close() {
        closePostgres();
        try {
            jmx.close();
        } catch (IOException ignored) {
            // the server may already be gone
        }
    }
}
