package io.nebula.resource.core;

import io.nebula.resource.InstanceState;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceState;

import java.util.Arrays;
import java.util.List;

/**
 * The listeners of one pool behind one object. A listener that throws is logged and skipped: a bug in
 * a metrics hook must never break an acquisition. With no listener every call is an empty loop.
 */
final class Listeners implements PoolListener {

    private final String pool;
    private final PoolListener[] all;
    // The callbacks of every acquisition and release go only to the listeners that implement them: a
    // metrics listener that counts leases should not cost an interface call per instance state change.
    private final PoolListener[] instanceStates;
    private final PoolListener[] beforeAcquires;
    private final PoolListener[] acquires;
    private final PoolListener[] releases;

    Listeners(String pool, List<PoolListener> listeners) {
        this.pool = pool;
        this.all = listeners.toArray(new PoolListener[0]);
        this.instanceStates = implementing("onInstanceState", String.class, InstanceState.class, InstanceState.class);
        this.beforeAcquires = implementing("beforeAcquire", String.class, ResourceContext.class);
        this.acquires = implementing("onAcquire", String.class, ResourceContext.class, long.class);
        this.releases = implementing("onRelease", String.class, ResourceContext.class, long.class, boolean.class);
    }

    /** The listeners whose class overrides a callback rather than inheriting the no-op default. */
    private PoolListener[] implementing(String method, Class<?>... parameters) {
        return Arrays.stream(all).filter(l -> {
            try {
                return l.getClass().getMethod(method, parameters).getDeclaringClass() != PoolListener.class;
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e); // PoolListener declares it: cannot happen
            }
        }).toArray(PoolListener[]::new);
    }

    private void failed(PoolListener l, RuntimeException e) {
        Log.LOG.log(System.Logger.Level.WARNING, () -> "NEBULA-0501 Listener " + l.getClass().getName()
                + " of resource '" + pool + "' threw; ignored", e);
    }

    @Override
    public void onStateChange(String pool, ResourceState from, ResourceState to) {
        for (PoolListener l : all) {
            try {
                l.onStateChange(pool, from, to);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onInstanceState(String pool, InstanceState from, InstanceState to) {
        for (PoolListener l : instanceStates) {
            try {
                l.onInstanceState(pool, from, to);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void beforeAcquire(String pool, ResourceContext ctx) {
        for (PoolListener l : beforeAcquires) {
            try {
                l.beforeAcquire(pool, ctx);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
        for (PoolListener l : acquires) {
            try {
                l.onAcquire(pool, ctx, waitNanos);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onAcquireFailure(String pool, ResourceContext ctx, ResourceException error, long waitNanos) {
        for (PoolListener l : all) {
            try {
                l.onAcquireFailure(pool, ctx, error, waitNanos);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
        for (PoolListener l : releases) {
            try {
                l.onRelease(pool, ctx, heldNanos, invalidated);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onLeak(String pool, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
        for (PoolListener l : all) {
            try {
                l.onLeak(pool, ctx, heldNanos, acquiredAt);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onLeakReturned(String pool, ResourceContext ctx, long heldNanos) {
        for (PoolListener l : all) {
            try {
                l.onLeakReturned(pool, ctx, heldNanos);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onCreate(String pool, long createNanos) {
        for (PoolListener l : all) {
            try {
                l.onCreate(pool, createNanos);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onCreationFailure(String pool, Throwable error) {
        for (PoolListener l : all) {
            try {
                l.onCreationFailure(pool, error);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onValidation(String pool, boolean valid) {
        for (PoolListener l : all) {
            try {
                l.onValidation(pool, valid);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onEviction(String pool, EvictionReason reason) {
        for (PoolListener l : all) {
            try {
                l.onEviction(pool, reason);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onDestroy(String pool) {
        for (PoolListener l : all) {
            try {
                l.onDestroy(pool);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }
}
