package io.nebula.resource.core.telemetry;

/**
 * How many acquisitions of one pool ended with each {@link Outcome}, since the pool started: what the
 * {@code nebula.resource.acquisitions} counter reports. Read when a metric is collected, never pushed: the
 * pipeline keeps the figures in the form its hit path already writes (see the pipeline's meter), so a backend
 * that reads them costs nothing per acquisition.
 */
@FunctionalInterface
public interface AcquisitionCounts {

    /** Counts nothing: a pool that is not metered. */
    AcquisitionCounts NONE = outcome -> 0;

    /** Acquisitions that ended with {@code outcome} so far, by the pool's own tenant or none; never decreases. */
    long count(Outcome outcome);

    /**
     * The acquisitions made for other tenants (a global resource's pool used inside tenants' scopes), each
     * tenant's counted apart so its usage can be told.
     */
    default void forEachTenant(java.util.function.BiConsumer<String, AcquisitionCounts> each) {
    }
}
