package io.nebula.resource.core;

import io.nebula.resource.InstanceState;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceState;

import java.util.List;

/**
 * The listeners of one pool behind one object. A listener that throws is logged and skipped: a bug in
 * a metrics hook must never break an acquisition. With no listener every call is an empty loop.
 */
final class Listeners implements PoolListener {

    private final String pool;
    private final PoolListener[] all;

    Listeners(String pool, List<PoolListener> listeners) {
        this.pool = pool;
        this.all = listeners.toArray(new PoolListener[0]);
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
        for (PoolListener l : all) {
            try {
                l.onInstanceState(pool, from, to);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void beforeAcquire(String pool, ResourceContext ctx) {
        for (PoolListener l : all) {
            try {
                l.beforeAcquire(pool, ctx);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
        for (PoolListener l : all) {
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
        for (PoolListener l : all) {
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
