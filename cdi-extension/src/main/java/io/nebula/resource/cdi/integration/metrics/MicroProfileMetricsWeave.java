package io.nebula.resource.cdi.integration.metrics;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.cdi.integration.telemetry.TenantLabel;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.telemetry.Outcome;
import io.nebula.resource.core.telemetry.PoolTelemetry;
import io.nebula.resource.core.telemetry.PoolView;
import io.nebula.resource.core.telemetry.Telemetry;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static java.lang.System.Logger.Level.WARNING;

/**
 * The same figures as the OpenTelemetry backend ({@code OpenTelemetryWeave}), registered in the application's MicroProfile Metrics
 * registry, so that {@code /metrics} (Open Liberty's {@code mpMetrics-5.1}, in Prometheus format) shows every
 * resource: OpenTelemetry meters do not appear there. Loaded only when the MP Metrics API is on the class path.
 *
 * <p>Tags: {@code resource}, {@code tenant} ({@value #NO_TENANT} outside a tenant: every metric of one name
 * must carry the same tag names), {@code outcome}, {@code error_type} (MP tag names allow no dot).
 */
final class MicroProfileMetricsWeave implements Telemetry {

    private static final System.Logger LOG = System.getLogger(MicroProfileMetricsWeave.class.getName());
    static final String NO_TENANT = "none";
    private static final Outcome[] OUTCOMES = Outcome.values();

    private final MetricRegistry registry;
    private final TenantLabel tenants = new TenantLabel();
    private final Metadata acquisitions = Metadata.builder().withName("nebula.resource.acquisitions")
            .withDescription("Acquisitions of a resource, by outcome").build();
    private final Metadata duration = Metadata.builder().withName("nebula.resource.acquisition.duration")
            .withDescription("How long acquiring a resource took, retries included").withUnit(MetricUnits.SECONDS).build();
    private final Metadata errors = Metadata.builder().withName("nebula.resource.errors")
            .withDescription("Failed acquisitions, failed creations and leases returned broken, by error type").build();
    private final Metadata timeouts = Metadata.builder().withName("nebula.resource.timeouts")
            .withDescription("Acquisitions that gave up waiting: pool exhausted or attempt timeout").build();
    private final Metadata creation = Metadata.builder().withName("nebula.resource.creation.duration")
            .withDescription("How long creating one instance took").withUnit(MetricUnits.SECONDS).build();

    private final Metadata fallbacks = Metadata.builder().withName("nebula.resource.fallbacks")
            .withDescription("Acquisitions of a resource that was down, served by its fallback").build();

    private final Metadata rotations = Metadata.builder().withName("nebula.resource.credential.rotations")
            .withDescription("Credentials that changed at their source: new instances use them, old ones retire").build();

    private final Metadata clusterDenials = Metadata.builder().withName("nebula.cluster.denials")
            .withDescription("Acquisitions refused by a cluster-wide limit (NEBULA-4603), by limit").build();
    private final List<MetricID> clusterGauges = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile io.nebula.resource.core.cluster.Cluster cluster;

    MicroProfileMetricsWeave(MetricRegistry registry) {
        this.registry = registry;
    }

    /**
     * The node of the cluster: {@code nebula.cluster.degraded} (1 while it counts alone), what it admitted alone, its
     * round trips and failed calls to Redis, and each call's latency ({@code nebula.cluster.redis.duration}).
     */
    @Override
    public void cluster(io.nebula.resource.core.cluster.Cluster c) {
        if (cluster == c) {
            return;
        }
        cluster = c;
        Tag node = new Tag("node", c.node().nodeId());
        clusterGauge("nebula.cluster.degraded", "1 while this node counts alone (Redis does not answer), else 0",
                c, x -> x.node().available() ? 0 : 1, node);
        clusterGauge("nebula.cluster.admitted.alone", "Acquisitions admitted by local limits alone since the node started",
                c, x -> x.node().admittedAlone(), node);
        clusterGauge("nebula.cluster.redis.round.trips", "Calls to the cluster's Redis since the node started",
                c, x -> x.node().roundTrips(), node);
        clusterGauge("nebula.cluster.redis.failures", "Calls to the cluster's Redis that did not answer within"
                + " nebula.cluster.redis-timeout", c, io.nebula.resource.core.cluster.Cluster::failedCalls, node);
        Timer latency = registry.timer(Metadata.builder().withName("nebula.cluster.redis.duration")
                .withDescription("How long each call to the cluster's Redis took").withUnit(MetricUnits.SECONDS).build(), node);
        c.onCall(nanos -> latency.update(Duration.ofNanos(nanos)));
    }

    private void clusterGauge(String name, String description, io.nebula.resource.core.cluster.Cluster c,
                              Function<io.nebula.resource.core.cluster.Cluster, Number> value, Tag node) {
        try {
            registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), c, value, node);
            clusterGauges.add(new MetricID(name, node));
        } catch (RuntimeException e) {
            LOG.log(WARNING, "NEBULA-3302 Gauge " + name + " could not be registered in MicroProfile Metrics: " + e);
        }
    }

    /** A refusal by a {@code cluster.*} limit, counted under its key. */
    private void clusterDenial(String resource, Throwable error) {
        if (error instanceof io.nebula.resource.QuotaExceededException q && q.limit() != null
                && q.limit().startsWith("cluster.")) {
            registry.counter(clusterDenials, new Tag("resource", resource), new Tag("limit", q.limit())).inc();
        }
    }

    @Override
    public void close() {
        io.nebula.resource.core.cluster.Cluster c = cluster;
        if (c != null) {
            c.onCall(null);
            cluster = null;
        }
        for (MetricID id : clusterGauges) {
            registry.remove(id);
        }
        clusterGauges.clear();
    }

    @Override
    public PoolTelemetry forPool(PoolView view) {
        return new Pool(view);
    }

    private final class Pool implements PoolTelemetry, PoolListener {
        private final PoolView view;
        private final String poolTenant;
        private final List<MetricID> gauges = new ArrayList<>();
        /** By tenant label, then by outcome: the registry is asked once per combination, not per call. */
        private final Map<String, Counter[]> counters = new ConcurrentHashMap<>();
        private final Map<String, Timer> timers = new ConcurrentHashMap<>();
        private final Map<String, Counter> errorCounters = new ConcurrentHashMap<>();

        Pool(PoolView view) {
            this.view = view;
            String t = tenants.of(view.tenant());
            this.poolTenant = t == null ? NO_TENANT : t;
            gauge("nebula.resource.active", "Leases out now", v -> v.snapshot().get().active());
            gauge("nebula.resource.idle", "Instances idle in the pool", v -> v.snapshot().get().idle());
            gauge("nebula.resource.pending", "Acquisitions waiting for an instance", v -> v.snapshot().get().pending());
            gauge("nebula.resource.pool.utilization", "Leases out over the maximum size", v -> v.snapshot().get().utilization());
            gauge("nebula.resource.health.score", "1 UP, 0.5 DEGRADED, 0 DOWN", PoolView::healthScore);
            gauge("nebula.resource.circuit.state", "0 closed, 1 half-open, 2 open", PoolView::circuitCode);
            gauge("nebula.resource.anomaly", "Signals departing from the pool's baseline now: 0 none, up to 2",
                    PoolView::anomalyCount);
            io.nebula.resource.core.cluster.Cluster c = cluster;
            io.nebula.resource.core.cluster.ResourceGate gate = c == null || c.gate() == null ? null
                    : c.gate().existing(view.resource()); // made by the weaving before the pool's telemetry
            if (gate != null) {
                gauge("nebula.cluster.gate", "The cluster's known-down gate of the resource on this node: 0 closed,"
                        + " 2 open (a node saw its backend down)", v -> gate.code());
            }
        }

        private void gauge(String name, String description, Function<PoolView, Number> value) {
            Tag[] tags = {new Tag("resource", view.resource()), new Tag("tenant", poolTenant)};
            try {
                registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), view, value, tags);
                gauges.add(new MetricID(name, tags));
            } catch (RuntimeException e) {
                // a gauge of that name and tags exists already (a pool of the same resource and tenant that was
                // replaced): the registry keeps the first; the figures are the same resource's
                LOG.log(WARNING, "NEBULA-3302 Gauge " + name + " of resource '" + view.resource()
                        + "' could not be registered in MicroProfile Metrics: " + e);
            }
        }

        private String label(ResourceContext ctx) {
            String t = ctx == null ? null : tenants.of(ctx.tenant());
            return t == null ? NO_TENANT : t;
        }

        /** MicroProfile Metrics has no observable counter: this backend counts and times every acquisition itself. */
        @Override
        public boolean countsEachAcquisition() {
            return true;
        }

        @Override
        public void acquired(ResourceContext ctx, long nanos, Throwable error) {
            String tenant = label(ctx);
            Outcome outcome = Outcome.of(error);
            Counter[] byOutcome = counters.computeIfAbsent(tenant, t -> new Counter[OUTCOMES.length]);
            Counter c = byOutcome[outcome.ordinal()];
            if (c == null) {
                c = registry.counter(acquisitions, new Tag("resource", view.resource()), new Tag("tenant", tenant),
                        new Tag("outcome", outcome.attribute()));
                byOutcome[outcome.ordinal()] = c;
            }
            c.inc();
            Timer timer = timers.get(tenant); // get first: computeIfAbsent's lambda captures this pool, one allocation per call
            if (timer == null) {
                timer = timers.computeIfAbsent(tenant, t -> registry.timer(duration, new Tag("resource", view.resource()),
                        new Tag("tenant", t)));
            }
            timer.update(Duration.ofNanos(nanos));
            if (error != null) {
                clusterDenial(view.resource(), error);
                error(tenant, Outcome.errorType(error));
                if (outcome == Outcome.EXHAUSTED || outcome == Outcome.TIMEOUT) {
                    registry.counter(timeouts, new Tag("resource", view.resource()), new Tag("tenant", tenant)).inc();
                }
            }
        }

        @Override
        public void fellBack(ResourceContext ctx, String fallback, Throwable error) {
            registry.counter(fallbacks, new Tag("resource", view.resource()), new Tag("tenant", label(ctx)),
                    new Tag("fallback", fallback), new Tag("error_type", Outcome.errorType(error))).inc();
        }

        private void error(String tenant, String type) {
            errorCounters.computeIfAbsent(tenant + '\u0000' + type, k -> registry.counter(errors,
                    new Tag("resource", view.resource()), new Tag("tenant", tenant), new Tag("error_type", type))).inc();
        }

        @Override
        public PoolListener listener() {
            return this;
        }

        @Override
        public void onCreate(String pool, long createNanos) {
            registry.timer(creation, new Tag("resource", view.resource()), new Tag("tenant", poolTenant))
                    .update(Duration.ofNanos(createNanos));
        }

        @Override
        public void onCreationFailure(String pool, Throwable error) {
            error(poolTenant, Outcome.errorType(error));
        }

        @Override
        public void onCredentialRotation(String pool, ResourceContext ctx, Set<String> keys) {
            String tenant = ctx != null && ctx.tenant() != null ? label(ctx) : poolTenant;
            registry.counter(rotations, new Tag("resource", view.resource()), new Tag("tenant", tenant)).inc();
        }

        @Override
        public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
            if (invalidated) {
                error(label(ctx), "invalidated");
            }
        }

        @Override
        public void onLeak(String pool, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
            error(label(ctx), "leak");
        }

        @Override
        public void close() {
            for (MetricID id : gauges) {
                registry.remove(id);
            }
        }
    }
}
