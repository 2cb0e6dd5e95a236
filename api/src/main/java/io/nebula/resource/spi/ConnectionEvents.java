package io.nebula.resource.spi;

/**
 * What happens to the connections of a pool that a {@link ConnectionPoolFigures} describes, as it happens, for a
 * telemetry backend's histograms. Called on the thread that opened, obtained or gave back the connection, on the
 * hit path of the pool for the last two: a listener must be quick and never throw nor block. Every method has a
 * no-op default, so a listener overrides what it records.
 */
public interface ConnectionEvents {

    /** A connection was opened; it took {@code nanos}. */
    default void created(long nanos) {
    }

    /** A caller obtained a connection from the pool (a hit or after waiting); it took {@code nanos}. */
    default void waited(long nanos) {
    }

    /** A connection was given back to the pool, {@code nanos} after it was obtained. */
    default void used(long nanos) {
    }
}
