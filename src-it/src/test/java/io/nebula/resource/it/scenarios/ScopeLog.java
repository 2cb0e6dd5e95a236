package io.nebula.resource.it.scenarios;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** What the scoped beans of {@link WorkflowScopesIT} report: their serial numbers, and when they were destroyed. */
public final class ScopeLog {

    private static final AtomicInteger serials = new AtomicInteger();
    private static final List<String> destroyed = new CopyOnWriteArrayList<>();

    private ScopeLog() {
    }

    static int nextSerial() {
        return serials.incrementAndGet();
    }

    static void destroyed(String bean) {
        destroyed.add(bean);
    }

    public static List<String> destroyed() {
        return List.copyOf(destroyed);
    }

    public static void reset() {
        destroyed.clear();
    }
}
