package io.nebula.resource.core;

import io.nebula.resource.InstanceState;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceState;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes every event as a line, for assertions. */
final class RecordingListener implements PoolListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Throwable> leakTraces = new CopyOnWriteArrayList<>();
    final List<EvictionReason> evictions = new CopyOnWriteArrayList<>();

    List<String> named(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).toList();
    }

    @Override
    public void onStateChange(String pool, ResourceState from, ResourceState to) {
        events.add("state " + from + "->" + to);
    }

    @Override
    public void onInstanceState(String pool, InstanceState from, InstanceState to) {
        events.add("instance " + from + "->" + to);
    }

    @Override
    public void beforeAcquire(String pool, ResourceContext ctx) {
        events.add("beforeAcquire " + ctx.tenant());
    }

    @Override
    public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
        events.add("acquire " + ctx.tenant());
    }

    @Override
    public void onAcquireFailure(String pool, ResourceContext ctx, ResourceException error, long waitNanos) {
        events.add("acquireFailure " + error.getClass().getSimpleName());
    }

    @Override
    public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
        events.add("release " + heldNanos / 1_000_000 + "ms" + (invalidated ? " invalidated" : ""));
    }

    @Override
    public void onLeak(String pool, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
        events.add("leak " + heldNanos / 1_000_000_000 + "s");
        leakTraces.add(acquiredAt);
    }

    @Override
    public void onLeakReturned(String pool, ResourceContext ctx, long heldNanos) {
        events.add("leakReturned " + heldNanos / 1_000_000_000 + "s");
    }

    @Override
    public void onCreate(String pool, long createNanos) {
        events.add("create");
    }

    @Override
    public void onCreationFailure(String pool, Throwable error) {
        events.add("creationFailure " + error.getMessage());
    }

    @Override
    public void onValidation(String pool, boolean valid) {
        events.add("validation " + valid);
    }

    @Override
    public void onEviction(String pool, EvictionReason reason) {
        events.add("eviction " + reason);
        evictions.add(reason);
    }

    @Override
    public void onDestroy(String pool) {
        events.add("destroy");
    }
}
