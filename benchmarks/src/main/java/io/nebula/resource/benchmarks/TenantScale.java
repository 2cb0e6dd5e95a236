package io.nebula.resource.benchmarks;

import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.benchmarks.nebula.Container;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
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
 * Suite 4, scale: a resource of scope {@code tenant} (one pool per tenant, created on first use from
 * the same settings, as the CDI extension does today) used by 1, 100 or 10,000 tenants in turn. Each
 * call enters the next tenant's scope, acquires and releases one instance, and leaves: the way a
 * request of that tenant would. {@link #enterTenantOnly} is the same without the acquisition, so the
 * difference is what the acquisition costs at that number of tenant pools.
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

    private WeldContainer container;
    private WorkflowContexts contexts;
    private Resources resources;
    private String[] names;
    private int next;

    @Setup
    public void boot() {
        container = Container.boot(Map.of(RESOURCE, Map.of(
                "kind", "benchmark-widget",
                "scope", "tenant",
                "pool.min-size", "0",
                "pool.max-size", "2")), TenantRequests.class);
        TenantRequests requests = container.select(TenantRequests.class).get();
        contexts = requests.contexts;
        resources = requests.resources;
        names = new String[tenants];
        for (int i = 0; i < tenants; i++) {
            names[i] = "tenant-" + i;
            // Creates the tenant's pool and its one instance before measurement.
            acquireIn(names[i]);
        }
    }

    @TearDown
    public void shutdown() {
        container.shutdown();
    }

    @Benchmark
    public Object acquireInTenant() {
        return acquireIn(nextTenant());
    }

    @Benchmark
    public Object enterTenantOnly() {
        try (ScopeHandle scope = contexts.enter(nextTenant(), null, null, null)) {
            return scope;
        }
    }

    private Object acquireIn(String tenant) {
        try (ScopeHandle scope = contexts.enter(tenant, null, null, null);
             Lease<Widget> lease = resources.acquire(RESOURCE, Widget.class)) {
            return lease.get();
        }
    }

    private String nextTenant() {
        String tenant = names[next];
        next = next + 1 == names.length ? 0 : next + 1;
        return tenant;
    }
}
