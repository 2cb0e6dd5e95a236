package io.nebula.resource.cdi.integration.otel;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.cdi.integration.telemetry.TenantLabel;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.telemetry.Outcome;
import io.nebula.resource.core.telemetry.PoolTelemetry;
import io.nebula.resource.core.telemetry.PoolView;
import io.nebula.resource.core.telemetry.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Spans and metrics through the OpenTelemetry API: the instance the application provides as a CDI bean (MP
 * Telemetry, SmallRye OpenTelemetry), else {@code GlobalOpenTelemetry}. Loaded only when the API is on the
 * class path. With neither a tracer nor a meter provider behind it (no SDK), {@link #of} answers
 * {@link Telemetry#NONE} and nothing here runs.
 *
 * <p>Names are those of docs/observability.md. Attributes that do not change per call (resource, tenant,
 * outcome) are built once and reused, so a metered acquisition allocates nothing.
 */
final class OpenTelemetryWeave implements Telemetry {

    static final String SCOPE = "io.nebula.resource";

    static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("resource");
    static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant");
    static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("workflow");
    static final AttributeKey<String> EXECUTION = AttributeKey.stringKey("execution");
    static final AttributeKey<String> ACTION = AttributeKey.stringKey("action");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
    static final AttributeKey<String> FALLBACK = AttributeKey.stringKey("nebula.resource.fallback");

    private static final Outcome[] OUTCOMES = Outcome.values();

    private final Tracer tracer;
    private final boolean tracing;
    private final boolean metering;
    private final TenantLabel tenants = new TenantLabel();
    private final Clock clock = Clock.systemUTC();
    private final Set<Pool> pools = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> gauges = new ArrayList<>();
    private final DoubleHistogram duration;
    private final LongCounter errors;
    private final LongCounter timeouts;
    private final DoubleHistogram creation;
    private final LongCounter rotations;
    private final LongCounter fallbacks;
    /** {@code db.client.connection.*}; {@code null} unless {@code nebula.telemetry.semconv=true}. */
    private final SemconvConnections semconv;
    private final Meter meter;
    /** The node's {@code nebula.cluster.*}; {@code null} outside a cluster. */
    private volatile ClusterInstruments cluster;

    private OpenTelemetryWeave(OpenTelemetry otel, boolean tracing, boolean metering, boolean semconv) {
        this.tracing = tracing;
        this.metering = metering;
        this.tracer = otel.getTracer(SCOPE);
        Meter meter = otel.getMeter(SCOPE);
        this.meter = meter;
        duration = meter.histogramBuilder("nebula.resource.acquisition.duration").setUnit("s")
                .setDescription("How long an acquisition that was not a pool hit took (it waited, or failed), "
                        + "retries included").build();
        errors = meter.counterBuilder("nebula.resource.errors").setUnit("{error}")
                .setDescription("Failed acquisitions, failed creations and leases returned broken, by error type").build();
        timeouts = meter.counterBuilder("nebula.resource.timeouts").setUnit("{timeout}")
                .setDescription("Acquisitions that gave up waiting: pool exhausted or attempt timeout").build();
        creation = meter.histogramBuilder("nebula.resource.creation.duration").setUnit("s")
                .setDescription("How long creating one instance took").build();
        rotations = meter.counterBuilder("nebula.resource.credential.rotations").setUnit("{rotation}")
                .setDescription("Credentials that changed at their source: new instances use them, old ones retire").build();
        fallbacks = meter.counterBuilder("nebula.resource.fallbacks").setUnit("{acquisition}")
                .setDescription("Acquisitions of a resource that was down, served by its fallback").build();
        this.semconv = metering && semconv ? new SemconvConnections(meter, tenants) : null;
        if (metering) {
            // read from each pool's meter when collected: the hit path writes one striped counter and nothing here
            gauges.add(meter.counterBuilder("nebula.resource.acquisitions").setUnit("{acquisition}")
                    .setDescription("Acquisitions of a resource, by outcome").buildWithCallback(m -> {
                        // summed by attributes first: several tenants may share a label (see TenantLabel), and one
                        // collection must report each series once
                        Map<Attributes, Long> counts = new java.util.HashMap<>();
                        pools.forEach(p -> {
                            p.count(counts, p.view.tenant(), p.view.counts());
                            p.view.counts().forEachTenant((tenant, c) -> p.count(counts, tenant, c));
                        });
                        counts.forEach((attributes, n) -> m.record(n, attributes));
                    }));
            gauges.add(meter.gaugeBuilder("nebula.resource.active").ofLongs().setUnit("{instance}")
                    .setDescription("Leases out now").buildWithCallback(m -> pools.forEach(p ->
                            m.record(p.view.snapshot().get().active(), p.gaugeAttributes))));
            gauges.add(meter.gaugeBuilder("nebula.resource.idle").ofLongs().setUnit("{instance}")
                    .setDescription("Instances idle in the pool").buildWithCallback(m -> pools.forEach(p ->
                            m.record(p.view.snapshot().get().idle(), p.gaugeAttributes))));
            gauges.add(meter.gaugeBuilder("nebula.resource.pending").ofLongs().setUnit("{request}")
                    .setDescription("Acquisitions waiting for an instance").buildWithCallback(m -> pools.forEach(p ->
                            m.record(p.view.snapshot().get().pending(), p.gaugeAttributes))));
            gauges.add(meter.gaugeBuilder("nebula.resource.pool.utilization").setUnit("1")
                    .setDescription("Leases out over the maximum size").buildWithCallback(m -> pools.forEach(p ->
                            m.record(p.view.snapshot().get().utilization(), p.gaugeAttributes))));
            gauges.add(meter.gaugeBuilder("nebula.resource.health.score").setUnit("1")
                    .setDescription("1 UP, 0.5 DEGRADED, 0 DOWN").buildWithCallback(m -> pools.forEach(p ->
                            m.record(p.view.healthScore(), p.gaugeAttributes))));
            gauges.add(meter.gaugeBuilder("nebula.resource.circuit.state").ofLongs().setUnit("1")
                    .setDescription("0 closed, 1 half-open, 2 open").buildWithCallback(m -> pools.forEach(p ->
                            m.record(p.view.circuitCode(), p.gaugeAttributes))));
            gauges.add(meter.gaugeBuilder("nebula.resource.anomaly").ofLongs().setUnit("1")
                    .setDescription("Signals departing from the pool's baseline now: 0 none, up to 2 (acquisition p99,"
                            + " error rate)").buildWithCallback(m -> pools.forEach(p ->
                            m.record(p.view.anomalyCount(), p.gaugeAttributes))));
        }
    }

    /** Telemetry through {@code otel}, and {@code db.client.connection.*} if {@code semconv}; NONE if it neither traces nor meters. */
    static Telemetry of(OpenTelemetry otel, boolean semconv) {
        boolean tracing = otel.getTracerProvider() != TracerProvider.noop();
        boolean metering = otel.getMeterProvider() != MeterProvider.noop();
        return tracing || metering ? new OpenTelemetryWeave(otel, tracing, metering, semconv) : NONE;
    }

    @Override
    public PoolTelemetry forPool(PoolView view) {
        return new Pool(view);
    }

    @Override
    public void injectTraceContext(BiConsumer<String, String> header) {
        if (!Span.current().getSpanContext().isValid()) {
            return;
        }
        W3CTraceContextPropagator.getInstance().inject(Context.current(), header, (h, key, value) -> h.accept(key, value));
    }

    /** The node's instruments {@code nebula.cluster.*} and its span events ({@link ClusterInstruments}). */
    @Override
    public void cluster(io.nebula.resource.core.cluster.Cluster c) {
        ClusterInstruments was = cluster;
        if (c == null || was != null && was.of(c)) {
            return;
        }
        if (was != null) {
            was.close();
        }
        cluster = new ClusterInstruments(c, meter, tracer, metering, tracing);
    }

    @Override
    public void close() {
        ClusterInstruments c = cluster;
        if (c != null) {
            c.close();
            cluster = null;
        }
        for (AutoCloseable g : gauges) {
            try {
                g.close();
            } catch (Exception ignored) {
                // an instrument that cannot close stops being collected with its SDK
            }
        }
        pools.clear();
        if (semconv != null) {
            semconv.close();
        }
    }

    private record Handle(Span span, Scope scope) {
    }

    /** One pool's spans and metrics. */
    private final class Pool implements PoolTelemetry, PoolListener {
        final PoolView view;
        final Attributes gaugeAttributes;
        final String acquireName;
        final String createName;
        final String releaseName;
        final String healthName;
        /** Stops the pool's {@code db.client.connection.*}. */
        final Runnable connections;
        /** By tenant label ("" for none), then by outcome: built once, reused by every acquisition. */
        private final Map<String, Attributes[]> byTenant = new ConcurrentHashMap<>();
        private final Attributes base;

        Pool(PoolView view) {
            this.view = view;
            AttributesBuilder b = Attributes.builder().put(RESOURCE, view.resource());
            String tenant = tenants.of(view.tenant());
            if (tenant != null) {
                b.put(TENANT, tenant);
            }
            this.gaugeAttributes = b.build();
            this.base = Attributes.of(RESOURCE, view.resource(), KIND, view.kind());
            this.acquireName = "nebula.resource.acquire " + view.resource();
            this.createName = "nebula.resource.create " + view.resource();
            this.releaseName = "nebula.resource.release " + view.resource();
            this.healthName = "nebula.resource.health " + view.resource();
            if (metering) {
                pools.add(this);
            }
            this.connections = semconv == null ? () -> { } : semconv.add(view);
        }

        void count(Map<Attributes, Long> into, String tenant, io.nebula.resource.core.telemetry.AcquisitionCounts counts) {
            Attributes[] a = outcomes(tenant);
            for (Outcome o : OUTCOMES) {
                long n = counts.count(o);
                if (n > 0) {
                    into.merge(a[o.ordinal()], n, Long::sum);
                }
            }
        }

        private Attributes[] outcomes(String tenant) {
            String label = tenant == null ? "" : tenants.of(tenant);
            Attributes[] a = byTenant.get(label);
            if (a == null) {
                a = byTenant.computeIfAbsent(label, t -> {
                    Attributes plain = t.isEmpty() ? Attributes.of(RESOURCE, view.resource())
                            : Attributes.of(RESOURCE, view.resource(), TENANT, t);
                    Attributes[] built = new Attributes[OUTCOMES.length + 1];
                    for (Outcome o : OUTCOMES) {
                        built[o.ordinal()] = plain.toBuilder().put(OUTCOME, o.attribute()).build();
                    }
                    built[OUTCOMES.length] = plain;
                    return built;
                });
            }
            return a;
        }

        @Override
        public Object startAcquire(ResourceContext ctx) {
            if (!tracing) {
                return null;
            }
            AttributesBuilder a = base.toBuilder();
            putContext(a, ctx);
            Span span = tracer.spanBuilder(acquireName).setSpanKind(SpanKind.INTERNAL).setAllAttributes(a.build()).startSpan();
            return new Handle(span, span.makeCurrent());
        }

        @Override
        public void endAcquire(Object handle, Throwable error) {
            if (!(handle instanceof Handle h)) {
                return;
            }
            h.scope.close();
            Outcome outcome = Outcome.of(error);
            h.span.setAttribute(OUTCOME, outcome.attribute());
            if (error != null) {
                h.span.setAttribute(ERROR_TYPE, Outcome.errorType(error));
                h.span.setStatus(StatusCode.ERROR, view.redactor().describe(error));
            }
            h.span.end();
        }

        @Override
        public boolean traces() {
            return tracing;
        }

        @Override
        public void acquired(ResourceContext ctx, long nanos, Throwable error) {
            if (!metering) {
                return;
            }
            Outcome outcome = Outcome.of(error);
            Attributes[] a = outcomes(ctx == null ? null : ctx.tenant());
            duration.record(nanos / 1e9, a[outcome.ordinal()]);
            if (error != null) {
                errors.add(1, a[OUTCOMES.length].toBuilder().put(ERROR_TYPE, Outcome.errorType(error)).build());
                if (outcome == Outcome.EXHAUSTED || outcome == Outcome.TIMEOUT) {
                    timeouts.add(1, a[OUTCOMES.length]);
                }
            }
        }

        /** The acquisition's span (current while the pipeline runs) names the fallback; the fallback is counted. */
        @Override
        public void fellBack(ResourceContext ctx, String fallback, Throwable error) {
            if (tracing) {
                Span.current().setAttribute(FALLBACK, fallback);
            }
            if (metering) {
                fallbacks.add(1, outcomes(ctx == null ? null : ctx.tenant())[OUTCOMES.length].toBuilder()
                        .put(FALLBACK, fallback).put(ERROR_TYPE, Outcome.errorType(error)).build());
            }
        }

        @Override
        public Object startHealthCheck() {
            if (!tracing) {
                return null;
            }
            AttributesBuilder a = base.toBuilder();
            if (view.tenant() != null) {
                a.put(TENANT, view.tenant());
            }
            Span span = tracer.spanBuilder(healthName).setSpanKind(SpanKind.INTERNAL).setAllAttributes(a.build()).startSpan();
            return new Handle(span, span.makeCurrent());
        }

        @Override
        public void endHealthCheck(Object handle, HealthStatus status) {
            if (!(handle instanceof Handle h)) {
                return;
            }
            h.scope.close();
            h.span.setAttribute(OUTCOME, status.status().name().toLowerCase(java.util.Locale.ROOT));
            if (status.status() == HealthStatus.Status.DOWN) {
                h.span.setStatus(StatusCode.ERROR, view.redactor().redact(status.message().orElse("DOWN")));
            }
            h.span.end();
        }

        @Override
        public PoolListener listener() {
            return this;
        }

        @Override
        public void onCreate(String pool, long createNanos) {
            if (metering) {
                creation.record(createNanos / 1e9, outcomes(view.tenant())[OUTCOMES.length]);
            }
            if (tracing) {
                Instant end = clock.instant();
                Instant start = end.minusNanos(createNanos);
                tracer.spanBuilder(createName).setSpanKind(SpanKind.INTERNAL).setAllAttributes(poolAttributes())
                        .setStartTimestamp(start.getEpochSecond() * 1_000_000_000L + start.getNano(), TimeUnit.NANOSECONDS)
                        .startSpan().setAttribute(OUTCOME, Outcome.SUCCESS.attribute())
                        .end(end.getEpochSecond() * 1_000_000_000L + end.getNano(), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void onCredentialRotation(String pool, ResourceContext ctx, Set<String> keys) {
            if (metering) {
                rotations.add(1, outcomes(ctx != null && ctx.tenant() != null ? ctx.tenant() : view.tenant())[OUTCOMES.length]);
            }
        }

        @Override
        public void onCreationFailure(String pool, Throwable error) {
            if (metering) {
                errors.add(1, outcomes(view.tenant())[OUTCOMES.length].toBuilder().put(ERROR_TYPE, Outcome.errorType(error)).build());
            }
            if (tracing) {
                Span span = tracer.spanBuilder(createName).setSpanKind(SpanKind.INTERNAL).setAllAttributes(poolAttributes())
                        .startSpan();
                span.setAttribute(OUTCOME, Outcome.UNAVAILABLE.attribute());
                span.setAttribute(ERROR_TYPE, Outcome.errorType(error));
                span.setStatus(StatusCode.ERROR, view.redactor().describe(error));
                span.end();
            }
        }

        @Override
        public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
            if (!invalidated) {
                return;
            }
            if (metering) {
                errors.add(1, outcomes(ctx == null ? null : ctx.tenant())[OUTCOMES.length].toBuilder()
                        .put(ERROR_TYPE, "invalidated").build());
            }
            if (tracing) {
                AttributesBuilder a = base.toBuilder();
                putContext(a, ctx);
                Span span = tracer.spanBuilder(releaseName).setSpanKind(SpanKind.INTERNAL).setAllAttributes(a.build()).startSpan();
                span.setAttribute(OUTCOME, "invalidated");
                span.setStatus(StatusCode.ERROR, "the lease was returned broken; its instance is destroyed");
                span.end();
            }
        }

        @Override
        public void onLeak(String pool, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
            if (metering) {
                errors.add(1, outcomes(ctx == null ? null : ctx.tenant())[OUTCOMES.length].toBuilder()
                        .put(ERROR_TYPE, "leak").build());
            }
        }

        private Attributes poolAttributes() {
            return view.tenant() == null ? base : base.toBuilder().put(TENANT, view.tenant()).build();
        }

        private void putContext(AttributesBuilder a, ResourceContext ctx) {
            if (ctx == null) {
                return;
            }
            if (ctx.tenant() != null) {
                a.put(TENANT, ctx.tenant());
            }
            if (ctx.workflow() != null) {
                a.put(WORKFLOW, ctx.workflow());
            }
            if (ctx.execution() != null) {
                a.put(EXECUTION, ctx.execution());
            }
            if (ctx.action() != null) {
                a.put(ACTION, ctx.action());
            }
        }

        @Override
        public void close() {
            pools.remove(this);
            connections.run();
        }
    }
}
