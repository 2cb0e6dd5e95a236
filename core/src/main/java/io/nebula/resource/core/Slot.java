package io.nebula.resource.core;

import io.nebula.resource.InstanceState;
import io.nebula.resource.spi.PooledInstance;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One pooled instance and its bookkeeping. The state moves by CAS only, through
 * {@link InstanceStateMachine}'s table: whoever wins the CAS out of {@code IDLE} owns the instance.
 * The timestamps are plain fields written before the state is published (a volatile write) and read
 * after it is observed, so they need no synchronization of their own.
 *
 * <p>It is also what a {@link io.nebula.resource.spi.PoolStrategy} sees of an instance ({@link PooledInstance}): the
 * slot itself, so that handing one to a strategy allocates nothing.
 */
final class Slot<R> implements PooledInstance {

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<Slot, InstanceState> STATE =
            AtomicReferenceFieldUpdater.newUpdater(Slot.class, InstanceState.class, "state");

    final R instance;
    /** Index of the endpoint the instance was created against; 0 without endpoints. */
    final int endpoint;
    final long createdAt;

    /** When the instance is retired ({@code pool.max-lifetime} minus jitter); meaningless unless {@link #mortal}. */
    long expiresAt;
    final boolean mortal;
    /** When it last came back to the pool (or was created). */
    long lastReturned;
    /** When keep-alive next checks it; meaningless when keep-alive is off. */
    long nextKeepalive;

    private static final VarHandle LEASE;

    static {
        try {
            LEASE = MethodHandles.lookup().findVarHandle(Slot.class, "lease", PooledLease.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The lease holding it, while one does; read by leak detection and a forced drain on other threads.
     * Written with release semantics, not as a volatile: a volatile store is a full fence on every
     * acquisition and release, and the readers only need to see a lease once its slot is seen {@code IN_USE}.
     */
    @SuppressWarnings("unused") // through LEASE
    private PooledLease<R> lease;

    private volatile InstanceState state;

    /** @param initial {@code IDLE} for an instance offered to everyone, or the state its creator keeps it in */
    Slot(R instance, int endpoint, long createdAt, boolean mortal, long expiresAt, long nextKeepalive,
         InstanceState initial) {
        this.state = initial;
        this.instance = instance;
        this.endpoint = endpoint;
        this.createdAt = createdAt;
        this.mortal = mortal;
        this.expiresAt = expiresAt;
        this.lastReturned = createdAt;
        this.nextKeepalive = nextKeepalive;
    }

    @SuppressWarnings("unchecked")
    PooledLease<R> lease() {
        return (PooledLease<R>) LEASE.getAcquire(this);
    }

    void lease(PooledLease<R> lease) {
        LEASE.setRelease(this, lease);
    }

    @Override
    public InstanceState state() {
        return state;
    }

    @Override
    public long createdAt() {
        return createdAt;
    }

    @Override
    public long lastReturned() {
        return lastReturned;
    }

    @Override
    public int endpoint() {
        return endpoint;
    }

    /**
     * {@code from → to} if the state is still {@code from}.
     *
     * @throws IllegalStateException when the table does not allow {@code from → to}: a bug
     */
    boolean cas(InstanceState from, InstanceState to) {
        InstanceStateMachine.check(from, to);
        return STATE.compareAndSet(this, from, to);
    }

    boolean expired(long now) {
        return mortal && now - expiresAt >= 0;
    }

    @Override
    public String toString() {
        return "Slot[" + state + ", endpoint " + endpoint + "]";
    }
}
