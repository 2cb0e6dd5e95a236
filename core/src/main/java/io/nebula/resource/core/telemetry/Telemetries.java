package io.nebula.resource.core.telemetry;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.InstanceState;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.EvictionReason;
import io.nebula.resource.core.PoolListener;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/** Several backends at once (OpenTelemetry and MicroProfile Metrics): each call goes to each. */
final class Telemetries implements Telemetry {

    private final List<Telemetry> all;

    Telemetries(List<Telemetry> all) {
        this.all = all;
    }

    @Override
    public PoolTelemetry forPool(PoolView pool) {
        PoolTelemetry[] each = all.stream().map(t -> t.forPool(pool)).toArray(PoolTelemetry[]::new);
        return new Each(each);
    }

    @Override
    public void injectTraceContext(BiConsumer<String, String> header) {
        for (Telemetry t : all) {
            t.injectTraceContext(header);
        }
    }

    @Override
    public void cluster(io.nebula.resource.core.cluster.Cluster cluster) {
        for (Telemetry t : all) {
            t.cluster(cluster);
        }
    }

    @Override
    public void close() {
        for (Telemetry t : all) {
            t.close();
        }
    }

    private static final class Each implements PoolTelemetry {
        private final PoolTelemetry[] each;
        private final PoolListener listener;

        Each(PoolTelemetry[] each) {
            this.each = each;
            PoolListener[] listeners = java.util.Arrays.stream(each).map(PoolTelemetry::listener)
                    .filter(Objects::nonNull).toArray(PoolListener[]::new);
            this.listener = listeners.length == 0 ? null : new Listeners(listeners);
        }

        /** The array of spans is made only when some backend traces: an acquisition without spans allocates nothing here. */
        @Override
        public Object startAcquire(ResourceContext ctx) {
            Object[] spans = null;
            for (int i = 0; i < each.length; i++) {
                Object span = each[i].startAcquire(ctx);
                if (span != null) {
                    if (spans == null) {
                        spans = new Object[each.length];
                    }
                    spans[i] = span;
                }
            }
            return spans;
        }

        @Override
        public void endAcquire(Object span, Throwable error) {
            if (span == null) {
                return;
            }
            Object[] spans = (Object[]) span;
            for (int i = each.length - 1; i >= 0; i--) { // scopes close in the reverse order they opened
                each[i].endAcquire(spans[i], error);
            }
        }

        @Override
        public boolean traces() {
            for (PoolTelemetry t : each) {
                if (t.traces()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean countsEachAcquisition() {
            for (PoolTelemetry t : each) {
                if (t.countsEachAcquisition()) {
                    return true;
                }
            }
            return false;
        }

        /** A hit goes only to the backends that count each acquisition: the others read their counts. */
        @Override
        public void acquired(ResourceContext ctx, long nanos, Throwable error) {
            boolean hit = nanos == 0 && error == null;
            for (PoolTelemetry t : each) {
                if (!hit || t.countsEachAcquisition()) {
                    t.acquired(ctx, nanos, error);
                }
            }
        }

        @Override
        public Object startHealthCheck() {
            Object[] spans = new Object[each.length];
            boolean any = false;
            for (int i = 0; i < each.length; i++) {
                spans[i] = each[i].startHealthCheck();
                any |= spans[i] != null;
            }
            return any ? spans : null;
        }

        @Override
        public void endHealthCheck(Object span, HealthStatus status) {
            Object[] spans = span == null ? new Object[each.length] : (Object[]) span;
            for (int i = each.length - 1; i >= 0; i--) {
                each[i].endHealthCheck(spans[i], status);
            }
        }

        @Override
        public PoolListener listener() {
            return listener;
        }

        @Override
        public void close() {
            for (PoolTelemetry t : each) {
                t.close();
            }
        }
    }

    /** The pool listeners of several backends behind one. */
    private record Listeners(PoolListener[] all) implements PoolListener {
        @Override
        public void onStateChange(String pool, ResourceState from, ResourceState to) {
            for (PoolListener l : all) {
                l.onStateChange(pool, from, to);
            }
        }

        @Override
        public void onInstanceState(String pool, InstanceState from, InstanceState to) {
            for (PoolListener l : all) {
                l.onInstanceState(pool, from, to);
            }
        }

        @Override
        public void onAcquireFailure(String pool, ResourceContext ctx, ResourceException error, long waitNanos) {
            for (PoolListener l : all) {
                l.onAcquireFailure(pool, ctx, error, waitNanos);
            }
        }

        @Override
        public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
            for (PoolListener l : all) {
                l.onRelease(pool, ctx, heldNanos, invalidated);
            }
        }

        @Override
        public void onLeak(String pool, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
            for (PoolListener l : all) {
                l.onLeak(pool, ctx, heldNanos, acquiredAt);
            }
        }

        @Override
        public void onCreate(String pool, long createNanos) {
            for (PoolListener l : all) {
                l.onCreate(pool, createNanos);
            }
        }

        @Override
        public void onCreationFailure(String pool, Throwable error) {
            for (PoolListener l : all) {
                l.onCreationFailure(pool, error);
            }
        }

        @Override
        public void onEviction(String pool, EvictionReason reason) {
            for (PoolListener l : all) {
                l.onEviction(pool, reason);
            }
        }

        @Override
        public void onCredentialRotation(String pool, ResourceContext ctx, Set<String> keys) {
            for (PoolListener l : all) {
                l.onCredentialRotation(pool, ctx, keys);
            }
        }
    }
}
