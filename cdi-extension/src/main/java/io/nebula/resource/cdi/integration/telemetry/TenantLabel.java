package io.nebula.resource.cdi.integration.telemetry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tenant as a metric attribute, with a bound on how many values it takes: the first {@value #MAX} tenants
 * seen keep their id, every later one is {@value #OTHER}. A metrics backend keeps a time series per attribute
 * value, so an unbounded tenant attribute would grow with every tenant ever served.
 */
public final class TenantLabel {

    public static final int MAX = 100;
    public static final String OTHER = "other";

    private final Set<String> shown = ConcurrentHashMap.newKeySet();
    private final ReentrantLock adding = new ReentrantLock(); // the size check and the add are one step, or the bound leaks

    /** The attribute value, or {@code null} for no tenant. */
    public String of(String tenant) {
        if (tenant == null || shown.contains(tenant)) {
            return tenant;
        }
        adding.lock();
        try {
            if (shown.size() < MAX) {
                shown.add(tenant);
                return tenant;
            }
        } finally {
            adding.unlock();
        }
        return OTHER;
    }
}
