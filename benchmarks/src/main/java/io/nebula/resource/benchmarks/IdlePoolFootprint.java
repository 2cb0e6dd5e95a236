package io.nebula.resource.benchmarks;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.benchmarks.nebula.Container;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.core.ResourcePool;
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
    }

    /**
     * Tenant pools as the CDI extension makes them today (a resource of scope {@code tenant}: one core
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
                    "Nebula tenant pool via the CDI extension (`scope=tenant`, started, instance invalidated)",
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
