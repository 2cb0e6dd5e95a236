package io.nebula.resource.cdi.scope;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceScope;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.CreationException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.WARNING;

/**
 * One live instance of a scope: the tenant {@code acme}, the execution {@code run-42} of workflow
 * {@code billing}... It holds the scope's beans and the leases bound to it, and counts the threads
 * that are in it; when the last one leaves, the scope {@linkplain #end() ends}.
 *
 * <p>Everything here is reachable from any thread that holds the scope (the thread that entered it and
 * those it propagated to), so the stores are concurrent; a thread-local only says which scopes are
 * current on a thread.
 */
public final class ActiveScope {

    private static final System.Logger LOG = System.getLogger(ActiveScope.class.getName());

    private final ResourceScope level;
    private final String name;
    private final String id;
    private final AtomicInteger holders = new AtomicInteger(1);
    private final AtomicLong creations = new AtomicLong();
    private final Map<Contextual<?>, ScopedBean<?>> beans = new ConcurrentHashMap<>();
    private final Map<String, LeaseSlot> slots = new ConcurrentHashMap<>();
    private final Queue<Lease<?>> heldLeases = new ConcurrentLinkedQueue<>();
    private volatile boolean ended;

    ActiveScope(ResourceScope level, String name, String id) {
        this.level = level;
        this.name = name;
        this.id = id;
    }

    /** The application-wide scope: never entered, ended at shutdown. */
    static ActiveScope global() {
        return new ActiveScope(ResourceScope.GLOBAL, "global", "global");
    }

    public ResourceScope level() {
        return level;
    }

    public String name() {
        return name;
    }

    String id() {
        return id;
    }

    boolean isEnded() {
        return ended;
    }

    /** Counts one more thread in this scope, unless it already ended. */
    boolean tryRetain() {
        for (;;) {
            int n = holders.get();
            if (n == 0) {
                return false;
            }
            if (holders.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** One thread left; {@code true} when it was the last, and the caller must {@link #end()} the scope. */
    boolean release() {
        return holders.decrementAndGet() == 0;
    }

    <T> T get(Contextual<T> contextual, CreationalContext<T> creationalContext) {
        checkActive();
        @SuppressWarnings("unchecked")
        ScopedBean<T> bean = (ScopedBean<T>) beans.computeIfAbsent(contextual, c -> new ScopedBean<>(contextual));
        T instance = bean.instance(creationalContext, creations);
        if (ended) {
            // end() may have iterated before this bean was stored: make sure it does not outlive the scope
            bean.destroy();
            throw notActive();
        }
        return instance;
    }

    <T> T getIfExists(Contextual<T> contextual) {
        checkActive();
        @SuppressWarnings("unchecked")
        ScopedBean<T> bean = (ScopedBean<T>) beans.get(contextual);
        return bean == null ? null : bean.existing();
    }

    void destroy(Contextual<?> contextual) {
        ScopedBean<?> bean = beans.remove(contextual);
        if (bean != null) {
            bean.destroy();
        }
    }

    /**
     * The lease of a resource bound to this scope, acquired with {@code acquire} on first use and
     * released when the scope ends. Every user of the resource in this scope shares it.
     */
    public Lease<?> boundLease(String slot, Supplier<Lease<?>> acquire) {
        checkActive();
        return slots.computeIfAbsent(slot, r -> new LeaseSlot()).lease(this, acquire);
    }

    /** A lease someone else holds, closed when the scope ends if its holder has not closed it. */
    public void closeAtEnd(Lease<?> lease) {
        heldLeases.add(lease);
        heldLeases.removeIf(l -> !l.isOpen());
        if (ended) {
            lease.close();
            throw notActive();
        }
    }

    /** Destroys the beans (most recent first, so a bean is destroyed before what it was built from), then releases the leases. */
    void end() {
        ended = true;
        List<ScopedBean<?>> created = new ArrayList<>(beans.values());
        beans.clear();
        created.sort(Comparator.comparingLong((ScopedBean<?> b) -> b.sequence).reversed());
        for (ScopedBean<?> bean : created) {
            bean.destroy();
        }
        for (LeaseSlot slot : slots.values()) {
            slot.close();
        }
        slots.clear();
        Lease<?> lease;
        while ((lease = heldLeases.poll()) != null) {
            closeQuietly(lease);
        }
    }

    private void checkActive() {
        if (ended) {
            throw notActive();
        }
    }

    ContextNotActiveException notActive() {
        return new ContextNotActiveException("The " + level.configName() + " scope '" + name + "' has ended");
    }

    static void closeQuietly(Lease<?> lease) {
        try {
            lease.close();
        } catch (RuntimeException e) {
            LOG.log(WARNING, "NEBULA-1011 Could not release a lease on resource ''{0}'' at the end of its scope: {1}",
                    lease.resource(), e.toString());
        }
    }

    @Override
    public String toString() {
        return level.configName() + " scope " + id;
    }

    /** A bean instance of this scope; created once, under its own lock so that other beans are not held up. */
    private static final class ScopedBean<T> {
        private final Contextual<T> contextual;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile T instance;
        private CreationalContext<T> creationalContext;
        private long sequence;

        ScopedBean(Contextual<T> contextual) {
            this.contextual = contextual;
        }

        T existing() {
            return instance;
        }

        T instance(CreationalContext<T> cc, AtomicLong creations) {
            T existing = instance;
            if (existing != null) {
                return existing;
            }
            lock.lock();
            try {
                if (instance == null) {
                    creationalContext = cc;
                    sequence = creations.incrementAndGet();
                    instance = create(cc);
                }
                return instance;
            } finally {
                lock.unlock();
            }
        }

        /**
         * The bean's instance, failing as the resource failed: ArC wraps whatever a synthetic bean's creator throws
         * in a {@code CreationException}, where Weld and OpenWebBeans let a runtime exception through, so the caller
         * gets Nebula's exception (TenantRequiredException, ResourceException...) on every container.
         */
        private T create(CreationalContext<T> cc) {
            try {
                return contextual.create(cc);
            } catch (CreationException e) {
                if (e.getCause() instanceof ResourceException resourceFailure) {
                    throw resourceFailure;
                }
                throw e;
            }
        }

        void destroy() {
            lock.lock();
            try {
                T i = instance;
                if (i != null) {
                    instance = null;
                    contextual.destroy(i, creationalContext);
                }
            } catch (RuntimeException e) {
                LOG.log(WARNING, "NEBULA-1010 Destroying a scoped bean failed: " + contextual, e);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The lease of one resource in this scope. */
    private static final class LeaseSlot {
        private final ReentrantLock lock = new ReentrantLock();
        private Lease<?> lease;
        private boolean closed;

        Lease<?> lease(ActiveScope scope, Supplier<Lease<?>> acquire) {
            lock.lock();
            try {
                if (closed) {
                    throw scope.notActive();
                }
                if (lease == null || !lease.isOpen()) {
                    lease = acquire.get();
                    if (scope.isEnded()) {
                        // the scope ended while we acquired; end() may not have seen this slot
                        closeQuietly(lease);
                        lease = null;
                        throw scope.notActive();
                    }
                }
                return lease;
            } finally {
                lock.unlock();
            }
        }

        void close() {
            lock.lock();
            try {
                closed = true;
                if (lease != null) {
                    closeQuietly(lease);
                    lease = null;
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
