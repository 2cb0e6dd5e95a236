package io.nebula.resource.core.tenant;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tenant as a metric or health attribute, with a bound on how many distinct values it takes: the first
 * {@code max} tenants seen keep their id, every later one is reported as {@value #OTHER}. Metric backends
 * keep one time series per attribute value, so an unbounded tenant attribute would grow memory with every
 * tenant ever served. {@code max} is {@code tenant.metric-tenants}.
 */
public final class TenantAttribute {

    /** The value of every tenant beyond the bound. */
    public static final String OTHER = "other";

    private final int max;
    private final Set<String> shown = ConcurrentHashMap.newKeySet();
    private final ReentrantLock adding = new ReentrantLock(); // the size check and the add are one step, or the bound leaks

    public TenantAttribute(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be 0 or more, was " + max);
        }
        this.max = max;
    }

    /** The attribute value for {@code tenant}: its id while fewer than {@code max} tenants are shown, else {@value #OTHER}. */
    public String of(String tenant) {
        if (tenant == null) {
            return null;
        }
        if (shown.contains(tenant)) {
            return tenant;
        }
        adding.lock();
        try {
            if (shown.size() < max) {
                shown.add(tenant);
                return tenant;
            }
        } finally {
            adding.unlock();
        }
        return shown.contains(tenant) ? tenant : OTHER;
    }

    /** How many distinct tenant values are in use. */
    public int size() {
        return shown.size();
    }
}
