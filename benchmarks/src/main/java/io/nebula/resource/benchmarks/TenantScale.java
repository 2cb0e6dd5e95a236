package io.nebula.resource.benchmarks;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.Resources;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.benchmarks.nebula.Container;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.tenant.TenantLimits;
import io.nebula.resource.core.tenant.TenantPools;
import io.nebula.resource.core.tenant.TenantTemplate;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.WeldContainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Suite 4, scale: one tenant-scoped resource used by 1, 100 or 10,000 tenants in turn, each call by the
 * next tenant, so that with many tenants every call meets a pool that is cold in the CPU's caches.
 * Every tenant's pool and its one instance exist before measurement.
 *
 * <ul>
 *   <li>{@link #tenantPools}: the engine alone, {@code TenantPools.acquire} with the tenant's context;</li>
 *   <li>{@link #throughExtension}: what a request of that tenant does in a CDI application: enter the
 *       tenant's scope, {@code Resources.acquire} (the woven chain, then the tenant's pool), release, leave;</li>
 *   <li>{@link #enterTenantOnly}: entering and leaving the scope alone, to tell the two costs apart.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class TenantScale {

    static final String RESOURCE = "tenant-widgets";

    @Param({"1", "100", "10000"})
    public int tenants;

    /** The application bean: what a request handler of a multi-tenant application would inject. */
    @Dependent
    public static class TenantRequests {
        @Inject
        public WorkflowContexts contexts;
        @Inject
        public Resources resources;
    }

    private String[] names;
    private ResourceContext[] contexts;
    private int next;

    @Setup
    public void tenants() {
        names = new String[tenants];
        contexts = new ResourceContext[tenants];
        for (int i = 0; i < tenants; i++) {
            names[i] = "tenant-" + i;
            contexts[i] = new ResourceContext(names[i], null, null, null);
        }
    }

    /** Core tenant pools with no limit but the defaults (no cap on pools, 10-minute idle closing). */
    @State(Scope.Benchmark)
    public static class Engine {
        TenantPools<Widget> pools;

        @Setup
        public void open(TenantScale bench) {
            pools = tenantPools(new WidgetProvider());
            for (ResourceContext ctx : bench.contexts) {
                pools.acquire(null, ctx).close();
            }
        }

        @TearDown
        public void close() {
            pools.close();
        }
    }

    /** The same resource declared in MicroProfile Config with {@code scope=tenant}, in a Weld SE container. */
    @State(Scope.Benchmark)
    public static class Extension {
        WeldContainer container;
        TenantRequests app;

        @Setup
        public void boot(TenantScale bench) {
            container = Container.boot(Map.of(RESOURCE, Map.of(
                    "kind", "benchmark-widget",
                    "scope", "tenant",
                    "pool.min-size", "0",
                    "pool.max-size", "2")), TenantRequests.class);
            app = container.select(TenantRequests.class).get();
            for (String tenant : bench.names) {
                acquireIn(app, tenant);
            }
        }

        @TearDown
        public void shutdown() {
            container.shutdown();
        }
    }

    static TenantPools<Widget> tenantPools(WidgetProvider provider) {
        ResourceSettings settings = ResourceSettings.of(RESOURCE, provider.kind(),
                Map.of("pool.min-size", "0", "pool.max-size", "2"));
        return TenantPools.builder(new TenantTemplate(settings, tenant -> Map.of()),
                        (tenantSettings, noQuota) -> ResourcePool.builder(provider, tenantSettings).build())
                .limits(TenantLimits.from(settings))
                .build();
    }

    @Benchmark
    public Object tenantPools(Engine engine) {
        try (Lease<Widget> lease = engine.pools.acquire(null, nextContext())) {
            return lease.get();
        }
    }

    @Benchmark
    public Object throughExtension(Extension extension) {
        return acquireIn(extension.app, names[nextIndex()]);
    }

    @Benchmark
    public Object enterTenantOnly(Extension extension) {
        try (ScopeHandle scope = extension.app.contexts.enter(names[nextIndex()], null, null, null)) {
            return scope;
        }
    }

    private static Object acquireIn(TenantRequests app, String tenant) {
        try (ScopeHandle scope = app.contexts.enter(tenant, null, null, null);
             Lease<Widget> lease = app.resources.acquire(RESOURCE, Widget.class)) {
            return lease.get();
        }
    }

    private ResourceContext nextContext() {
        return contexts[nextIndex()];
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == tenants ? 0 : i + 1;
        return i;
    }
}
