package io.nebula.resource.cdi;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceState;
import io.nebula.resource.cdi.inject.ClientProxies;
import io.nebula.resource.cdi.inject.InjectableResource;
import io.nebula.resource.cdi.inject.ViewLease;
import io.nebula.resource.cdi.scope.ActiveScope;
import io.nebula.resource.cdi.scope.ScopeChain;
import io.nebula.resource.cdi.scope.ScopeRegistry;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.declared.DeclaredPools;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.core.declared.ResourceRegistry;
import io.nebula.resource.core.pipeline.CircuitState;
import io.nebula.resource.core.pipeline.Fallback;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.spi.ResourceProvider;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.DEBUG;

/**
 * A declared resource as its injection points, {@code @Action}s and the programmatic API use it: its pools (core's
 * {@link DeclaredPools}) with each lease bound to the current scopes.
 *
 * <p>Where a lease is bound (see {@link #binding}): a resource of scope {@code action}, {@code execution}
 * or {@code workflow} binds its lease to that scope, or to the nearest broader active one when it is not
 * active; a resource of scope {@code global} or {@code tenant}, whose scope chooses a pool rather than a
 * lifetime, binds it to the narrowest active scope: the current action, say, or the global scope outside
 * any workflow.
 */
final class DeclaredResource<R> implements ResourceRegistry.Entry, InjectableResource {

    private static final System.Logger LOG = System.getLogger(DeclaredResource.class.getName());

    private final DeclaredPools<R> pools;
    private final ResourceDeclaration declaration;
    private final ResourceProvider<R> provider;
    private final ScopeRegistry scopes;
    private final Function<String, DeclaredResource<?>> others;

    /** @param others the application's other resources by name: a fallback delivers its own instances */
    DeclaredResource(DeclaredPools<R> pools, ScopeRegistry scopes, Function<String, DeclaredResource<?>> others) {
        this.pools = pools;
        this.declaration = pools.declaration();
        this.provider = pools.provider();
        this.scopes = scopes;
        this.others = others;
    }

    /** Its pools: what {@link io.nebula.resource.Resources#find} gives as the {@code ManagedResource}. */
    @Override
    public DeclaredPools<R> pools() {
        return pools;
    }

    /** Where this resource's lease sits in a scope: by name, and apart from resources derived from it. */
    private String slotKey() {
        return pools.poolKey().isEmpty() ? name() : name() + "#" + pools.poolKey();
    }

    ResourceDeclaration declaration() {
        return declaration;
    }

    @Override
    public ResourceProvider<R> provider() {
        return provider;
    }

    /** The scope a lease of this resource is bound to on a thread in {@code chain}, and why. */
    record Binding(ActiveScope scope, ResourceScope effective, boolean fellBack) {
    }

    Binding binding(ScopeChain chain) {
        ResourceScope configured = declaration.scope();
        if (configured == ResourceScope.GLOBAL || configured == ResourceScope.TENANT) {
            ActiveScope narrowest = chain.narrowest();
            return new Binding(narrowest, narrowest.level(), false);
        }
        ResourceScope effective = chain.context().effectiveScope(configured);
        return new Binding(chain.at(effective), effective, effective != configured);
    }

    @Override
    public ActiveScope boundScope(ScopeChain chain) {
        return binding(chain).scope();
    }

    /** The lease every user of this resource shares in the binding scope; taken on first use there. */
    @SuppressWarnings("unchecked")
    Lease<R> boundLease(ScopeChain chain) {
        Binding binding = binding(chain);
        return (Lease<R>) binding.scope().boundLease(slotKey(), () -> {
            if (binding.fellBack() && LOG.isLoggable(DEBUG)) {
                LOG.log(DEBUG, "NEBULA-1001 Resource ''{0}'' has scope ''{1}'', which is not active on this thread; "
                                + "its lease is bound to the enclosing {2} scope ''{3}'' instead",
                        name(), declaration.scope().configName(), binding.effective().configName(), binding.scope().name());
            }
            return acquire(null, chain.context());
        });
    }

    /**
     * What an {@code @Action} naming this resource does on entry: binds its lease to the current scopes, as a later
     * injection there will read it. A resource whose one instance everyone shares, and whose provider runs each of
     * the instance's hand-outs through the pipeline (a JDBC data source's connections), binds none: the method's
     * {@code getConnection()} calls are its acquisitions, so only whether the resource would admit one is checked
     * ({@link WovenPool#admit}). A shared instance used directly (an HTTP endpoint) keeps its lease: that lease is
     * the acquisition the pipeline meters and guards.
     */
    void enterAction(ScopeChain chain) {
        if (sharesOneInstance() && pools.sharedPool() instanceof WovenPool<R> woven && woven.handsOutThroughPipeline()) {
            woven.admit(chain.context());
            return;
        }
        boundLease(chain);
    }

    /**
     * The instance (or view) for a thread in {@code chain}: a resident resource of global scope hands out
     * its shared instance; any other comes from the lease bound to the current scopes.
     */
    @Override
    public Object instance(Class<?> view, ScopeChain chain) {
        ResourceContext context = chain.context();
        if (sharesOneInstance()) {
            // the resource's own instance, never its fallback's: the caller keeps it as this resource's, and what it
            // hands out falls back by itself while the resource is down
            try (Lease<R> lease = pools.acquireOwn(null, context)) {
                return deliver(lease.get(), view, context);
            }
        }
        return deliverLease(boundLease(chain), view, context);
    }

    /**
     * For a stand-in whose resource's own instance could not be had ({@code refusal}): while the resource is down
     * and has a {@code fallback}, the fallback's instance, seen as {@code view}, for this one call (the stand-in keeps
     * asking for the resource's own and passes its calls to it once it is back); else {@code null}. The fallback is
     * recorded as the pipeline records one (span, metric, audit).
     */
    @Override
    public Object fallbackInstance(Class<?> view, ScopeChain chain, ResourceException refusal) {
        String fallback = declaration.fallback().orElse(null);
        if (fallback == null || !Fallback.down(refusal)) {
            return null;
        }
        Object instance = others.apply(fallback).instance(view, chain);
        if (pools.sharedPool() instanceof WovenPool<R> woven) {
            woven.fellBack(chain.context(), refusal);
        }
        return instance;
    }

    /**
     * The shared instance for an injection point, had through the pipeline as any acquisition: the live one (a hit,
     * which asks nothing of the backend), or one made now when the backend is not known to be down. {@code null},
     * with nothing tried, when the pool has no instance and failed, or when its circuit is open or it is quarantined
     * (the pipeline would refuse); {@code null} too when making one failed, a failure counted and reported as any.
     * The bean then gets a stand-in.
     */
    @Override
    public Object liveInstance(Class<?> view, ScopeChain chain) {
        ResourcePool<R> pool = pools.sharedPool(); // starting a lazy pool creates nothing
        if (refusing(pool) || pool.state() == ResourceState.FAILED && pool.snapshot().size() == 0) {
            return null;
        }
        ResourceContext context = chain.context();
        try (Lease<R> lease = pools.acquireOwn(null, context)) {
            return deliver(lease.get(), view, context);
        } catch (ResourceClosedException e) {
            throw e;
        } catch (ResourceException e) {
            return null;
        }
    }

    /** Whether the pipeline refuses every acquisition now, without asking the backend: an open circuit, a quarantine. */
    private static boolean refusing(ResourcePool<?> pool) {
        return pool instanceof WovenPool<?> woven && (woven.quarantined()
                || woven.circuit().map(c -> c.state() == CircuitState.Position.OPEN).orElse(false));
    }

    @Override
    public boolean sharesOneInstance() {
        return !ClientProxies.needed(provider, declaration.scope());
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Lease<?> lease(Class<?> view, Duration timeout, ResourceContext context) {
        Lease<R> lease = acquire(timeout, context);
        return view == provider.type() ? lease : new ViewLease(lease, provider, view);
    }

    private Lease<R> acquire(Duration timeout, ResourceContext context) {
        return pools.acquire(timeout, context);
    }

    /**
     * The instance seen as {@code view}, with what it hands out itself (a JDBC data source's connections) behind the
     * pipeline of the pool it came from ({@link WovenPool#handingOut}): one object, whichever type it is seen as.
     */
    Object deliver(R instance, Class<?> view, ResourceContext context) {
        R handing = pools.poolFor(context) instanceof WovenPool<R> woven
                ? woven.handingOut(instance, contextOf(scopes)) : instance;
        return view == provider.type() ? handing : provider.view(handing, view);
    }

    /**
     * The instance of {@code lease} seen as {@code view}: delivered by the resource it came from, its fallback's when
     * that one served it, so that what the instance hands out passes the fallback's own pipeline.
     */
    private Object deliverLease(Lease<R> lease, Class<?> view, ResourceContext context) {
        if (lease.servedByFallback()) {
            return others.apply(lease.resource()).deliverAny(lease.get(), view, context);
        }
        return deliver(lease.get(), view, context);
    }

    @SuppressWarnings("unchecked")
    private Object deliverAny(Object instance, Class<?> view, ResourceContext context) {
        return deliver((R) instance, view.isAssignableFrom(provider.type()) ? provider.type() : view, context);
    }

    /** The current thread's scopes, for a data source's {@code getConnection()}. */
    private static Supplier<ResourceContext> contextOf(ScopeRegistry scopes) {
        return () -> scopes.chain().context();
    }

    @Override
    public String name() {
        return declaration.name();
    }

    @Override
    public String toString() {
        return pools.toString();
    }
}
