package io.nebula.resource.cdi.integration.otel;

import io.nebula.resource.core.cluster.Cluster;
import io.nebula.resource.core.cluster.ClusterGate;
import io.nebula.resource.core.cluster.ClusterListener;
import io.nebula.resource.core.cluster.ResourceGate;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

import java.time.Instant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster step of this node in OpenTelemetry (docs/observability.md, "The cluster's node"): the instruments
 * {@code nebula.cluster.*} and the events on the acquisition's span (current on the thread that asks Redis, is
 * refused or is admitted alone). A lease served from the node's batch of permits never comes here: what is counted
 * per acquisition (admitted alone, round trips, failures) is read from the node's counts when the SDK collects.
 */
final class ClusterInstruments implements ClusterListener {

    static final AttributeKey<String> NODE = AttributeKey.stringKey("node");
    static final AttributeKey<String> LIMIT = AttributeKey.stringKey("limit");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("operation");
    static final AttributeKey<String> EVENT_OPERATION = AttributeKey.stringKey("nebula.cluster.operation");
    static final AttributeKey<Double> EVENT_DURATION = AttributeKey.doubleKey("nebula.cluster.duration_ms");
    static final AttributeKey<Boolean> EVENT_ANSWERED = AttributeKey.booleanKey("nebula.cluster.answered");
    static final AttributeKey<String> EVENT_LIMIT = AttributeKey.stringKey("nebula.cluster.limit");
    static final AttributeKey<String> EVENT_NODE = AttributeKey.stringKey("nebula.cluster.node");
    static final AttributeKey<String> EVENT_SEEN_BY = AttributeKey.stringKey("nebula.cluster.seen_by");
    static final AttributeKey<String> EVENT_REASON = AttributeKey.stringKey("nebula.cluster.reason");

    static final String REDIS_EVENT = "nebula.cluster.redis";
    static final String DENIED_EVENT = "nebula.cluster.denied";
    static final String ALONE_EVENT = "nebula.cluster.admitted_alone";
    static final String GATE_EVENT = "nebula.cluster.gate_refused";

    static final String CALL_SPAN = "nebula.cluster ";

    private final Cluster cluster;
    private final boolean tracing;
    private final Tracer tracer;
    private final Attributes node;
    private final Attributes aloneEvent;
    private final DoubleHistogram redisDuration;
    private final LongCounter denials;
    private final List<AutoCloseable> observed = new ArrayList<>();
    /** Attributes by operation and by resource and limit: built once each, reused by every call. */
    private final Map<String, Attributes> operations = new ConcurrentHashMap<>();
    private final Map<String, Attributes> limits = new ConcurrentHashMap<>();
    private final Map<String, Attributes> gates = new ConcurrentHashMap<>();

    ClusterInstruments(Cluster cluster, Meter meter, Tracer tracer, boolean metering, boolean tracing) {
        this.cluster = cluster;
        this.tracing = tracing;
        this.tracer = tracer;
        String id = cluster.node().nodeId();
        this.node = Attributes.of(NODE, id);
        this.aloneEvent = Attributes.of(EVENT_NODE, id);
        this.redisDuration = metering ? meter.histogramBuilder("nebula.cluster.redis.duration").setUnit("s")
                .setDescription("How long each call to the cluster's Redis took (heartbeats included)").build() : null;
        this.denials = metering ? meter.counterBuilder("nebula.cluster.denials").setUnit("{acquisition}")
                .setDescription("Acquisitions refused by a cluster-wide limit (NEBULA-4603), by limit").build() : null;
        if (metering) {
            observed.add(meter.counterBuilder("nebula.cluster.admitted.alone").setUnit("{acquisition}")
                    .setDescription("Acquisitions admitted by the local limits alone, Redis not answering")
                    .buildWithCallback(m -> m.record(cluster.node().admittedAlone(), node)));
            observed.add(meter.counterBuilder("nebula.cluster.redis.round.trips").setUnit("{call}")
                    .setDescription("Calls to the cluster's Redis since the node started (heartbeats included)")
                    .buildWithCallback(m -> m.record(cluster.node().roundTrips(), node)));
            observed.add(meter.counterBuilder("nebula.cluster.redis.failures").setUnit("{call}")
                    .setDescription("Calls to the cluster's Redis that did not answer within nebula.cluster.redis-timeout")
                    .buildWithCallback(m -> m.record(cluster.failedCalls(), node)));
            observed.add(meter.gaugeBuilder("nebula.cluster.degraded").ofLongs().setUnit("1")
                    .setDescription("1 while this node counts alone (its Redis does not answer), else 0")
                    .buildWithCallback(m -> m.record(cluster.node().available() ? 0 : 1, node)));
            ClusterGate gate = cluster.gate();
            if (gate != null) {
                observed.add(meter.gaugeBuilder("nebula.cluster.gate").ofLongs().setUnit("1")
                        .setDescription("The cluster's known-down gate of the resource on this node: 0 closed, 2 open")
                        .buildWithCallback(m -> {
                            for (ResourceGate g : gate.gates()) {
                                m.record(g.code(), gateAttributes(g.resource()));
                            }
                        }));
            }
        }
        cluster.node().listen(this);
    }

    private Attributes gateAttributes(String resource) {
        return gates.computeIfAbsent(resource, r -> Attributes.of(NODE, node.get(NODE), OpenTelemetryWeave.RESOURCE, r));
    }

    @Override
    public void called(String operation, long nanos, boolean answered) {
        if (redisDuration != null) {
            redisDuration.record(nanos / 1e9, operations.computeIfAbsent(operation,
                    o -> Attributes.of(NODE, node.get(NODE), OPERATION, o)));
        }
        Span span = current();
        if (span != null) { // the heartbeat's thread has none
            span.addEvent(REDIS_EVENT, Attributes.of(EVENT_OPERATION, operation, EVENT_DURATION, nanos / 1e6,
                    EVENT_ANSWERED, answered));
            callSpan(tracer, node.get(NODE), operation, nanos, answered);
        }
    }

    /**
     * The call as a span of its own, a child of the acquisition's: told after the call with its real start and end,
     * so the cluster step costs a span only when it goes to Redis, never for a lease served from the batch.
     */
    static void callSpan(Tracer tracer, String nodeId, String operation, long nanos, boolean answered) {
        Instant end = Instant.now();
        Span call = tracer.spanBuilder(CALL_SPAN + operation).setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(end.minusNanos(nanos))
                .setAttribute(EVENT_OPERATION, operation).setAttribute(EVENT_NODE, nodeId)
                .setAttribute(AttributeKey.stringKey("db.system"), "redis")
                .startSpan();
        if (!answered) {
            call.setStatus(StatusCode.ERROR, "no answer within nebula.cluster.redis-timeout");
        }
        call.end(end);
    }

    @Override
    public void refused(String resource, String tenant, String limit) {
        if (denials != null) {
            denials.add(1, limits.computeIfAbsent(resource + '\n' + limit,
                    k -> Attributes.of(OpenTelemetryWeave.RESOURCE, resource, LIMIT, limit)));
        }
        Span span = current();
        if (span != null) {
            span.addEvent(DENIED_EVENT, Attributes.of(EVENT_LIMIT, limit));
        }
    }

    @Override
    public void admittedAlone(String resource, String tenant) {
        Span span = current();
        if (span != null) {
            span.addEvent(ALONE_EVENT, aloneEvent);
        }
    }

    @Override
    public void gateRefused(String resource, String seenBy, String reason) {
        Span span = current();
        if (span != null) {
            span.addEvent(GATE_EVENT, Attributes.of(EVENT_SEEN_BY, seenBy, EVENT_REASON, reason));
        }
    }

    /** The acquisition's span when one records on this thread; {@code null} otherwise. */
    private Span current() {
        if (!tracing) {
            return null;
        }
        Span span = Span.current();
        return span.isRecording() ? span : null;
    }

    boolean of(Cluster c) {
        return cluster == c;
    }

    void close() {
        cluster.node().unlisten(this);
        for (AutoCloseable c : observed) {
            try {
                c.close();
            } catch (Exception ignored) {
                // an instrument that cannot close stops being collected with its SDK
            }
        }
        observed.clear();
    }
}
