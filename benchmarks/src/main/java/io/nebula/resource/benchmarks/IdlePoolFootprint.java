package io.nebula.resource.benchmarks;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.benchmarks.nebula.Container;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.tenant.TenantPools;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jboss.weld.environment.se.WeldContainer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Memory per idle pool (suite 4, the part that needs no tenant pools): builds N started pools with
 * min 0, so they hold no instance, and measures the heap they keep alive after a full GC and the
 * threads they start. Every pool shares one provider and one settings object, as the pools of one
 * resource's tenants would, so the figure is the pool's own. No JOL: heap used after
 * {@code System.gc()} with the serial collector (run with {@code -XX:+UseSerialGC}), divided by N.
 *
 * <p>Prints a markdown section. Usage: {@code IdlePoolFootprint [pools]} (default 10,000).
 */
public final class IdlePoolFootprint {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private IdlePoolFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int pools = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        StringBuilder md = new StringBuilder();
        md.append("## Memory per idle pool (").append(String.format(Locale.ROOT, "%,d", pools))
                .append(" started pools, min 0, no instance; heap after full GC, ")
                .append(System.getProperty("java.vm.name")).append(' ').append(Runtime.version()).append(")\n\n");
        md.append("| pool | heap kept by all pools | per pool | threads started |\n|---|---:|---:|---:|\n");

        WidgetProvider provider = new WidgetProvider();
        ResourceSettings settings = ResourceSettings.of("tenant-db", provider.kind(),
                Map.of("pool.min-size", "0", "pool.max-size", "10"));
        md.append(measure("Nebula core `ResourcePool` (POOLED, started)", pools, i -> {
            ResourcePool<Widget> pool = ResourcePool.builder(provider, settings).build();
            pool.start();
            return pool;
        }, pool -> ((ResourcePool<?>) pool).close()));

        md.append(engineTenantPools(pools));
        md.append(tenantPools(pools));

        WidgetFactory factory = new WidgetFactory();
        GenericObjectPoolConfig<Widget> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(10);
        config.setMaxIdle(10);
        config.setJmxEnabled(false);
        md.append(measure("commons-pool2 `GenericObjectPool` (no JMX, no evictor)", pools,
                i -> new GenericObjectPool<>(factory, config), pool -> ((GenericObjectPool<?>) pool).close()));

        md.append('\n');
        System.out.print(md);
        System.out.flush();
        // The standalone SmallRye Fault Tolerance that the extension used keeps a non-daemon timer thread
        // after the container shut down (on the class path it is the JVM's, not the application's): say
        // that this program is done.
        System.exit(0);
    }

    /**
     * The engine's {@code TenantPools}: each tenant's first acquisition makes its pool (settings from the
     * template, the pool, its bookkeeping); the instance is invalidated, so what stays is the tenant pool.
     */
    private static String engineTenantPools(int count) throws Exception {
        TenantPools<Widget> pools = TenantScale.tenantPools(new WidgetProvider());
        try {
            pools.acquire(null, new ResourceContext("warm-up", null, null, null)).invalidate();
            int threadsBefore = Thread.activeCount();
            long before = heapAfterGc();
            for (int i = 0; i < count; i++) {
                pools.acquire(null, new ResourceContext("tenant-" + i, null, null, null)).invalidate();
            }
            long after = heapAfterGc();
            long kept = after - before;
            if (pools.size() < count) {
                throw new IllegalStateException("only " + pools.size() + " of " + count + " tenant pools are alive");
            }
            return String.format(Locale.ROOT, "| %s | %,.1f KB | %,d bytes | %d |%n",
                    "Nebula core `TenantPools`: one tenant pool (no instance)", kept / 1024.0, kept / count,
                    Thread.activeCount() - threadsBefore);
        } finally {
            pools.close();
        }
    }

    /**
     * Tenant pools as the CDI extension makes them (a resource of scope {@code tenant}: one core
     * pool per tenant, created on first use). Each tenant's first acquisition creates its pool; the
     * instance is invalidated, so what stays is the pool and what the extension keeps per tenant.
     */
    private static String tenantPools(int count) throws Exception {
        WeldContainer container = Container.boot(Map.of("tenant-widgets", Map.of(
                "kind", "benchmark-widget",
                "scope", "tenant",
                "pool.min-size", "0",
                "pool.max-size", "10")), TenantScale.TenantRequests.class);
        try {
            TenantScale.TenantRequests app = container.select(TenantScale.TenantRequests.class).get();
            // One tenant first, so that classes and the extension's shared structures exist before the baseline.
            openTenant(app, "warm-up");
            int threadsBefore = Thread.activeCount();
            long before = heapAfterGc();
            for (int i = 0; i < count; i++) {
                openTenant(app, "tenant-" + i);
            }
            long after = heapAfterGc();
            long kept = after - before;
            return String.format(Locale.ROOT, "| %s | %,.1f KB | %,d bytes | %d |%n",
                    "Nebula tenant pool via the CDI extension (`scope=tenant`: pool, weave, per-tenant state; no instance)",
                    kept / 1024.0, kept / count, Thread.activeCount() - threadsBefore);
        } finally {
            container.shutdown();
        }
    }

    private static void openTenant(TenantScale.TenantRequests app, String tenant) {
        try (ScopeHandle scope = app.contexts.enter(tenant, null, null, null)) {
            app.resources.acquire("tenant-widgets", Widget.class).invalidate();
        }
    }

    private static String measure(String label, int count, IntFunction<Object> open, PoolCloser close) throws Exception {
        int threadsBefore = Thread.activeCount();
        long before = heapAfterGc();
        List<Object> pools = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pools.add(open.apply(i));
        }
        long after = heapAfterGc();
        int threadsAfter = Thread.activeCount();
        for (Object pool : pools) {
            close.close(pool);
        }
        long kept = after - before;
        return String.format(Locale.ROOT, "| %s | %,.1f KB | %,d bytes | %d |%n", label, kept / 1024.0,
                kept / count, threadsAfter - threadsBefore);
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        // Several rounds: the first may leave objects that only become unreachable after finalization-like cleanups.
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @FunctionalInterface
    private interface PoolCloser {
        void close(Object pool) throws Exception;
    }

    private static final class WidgetFactory extends BasePooledObjectFactory<Widget> {
        @Override
        public Widget create() {
            return new Widget();
        }

        @Override
        public PooledObject<Widget> wrap(Widget widget) {
            return new DefaultPooledObject<>(widget);
        }
    }
}
