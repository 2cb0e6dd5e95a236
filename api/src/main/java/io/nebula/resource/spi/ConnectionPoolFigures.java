package io.nebula.resource.spi;

/**
 * The connections of an instance that pools them itself: a JDBC resource's instance is a whole connection pool
 * (Agroal's), of which the engine sees one shared instance, so the engine's own figures count references to it, not
 * connections. A provider whose instance is such a pool answers one of these from
 * {@link ResourceProvider#connectionPool}; a telemetry backend reads it when its metrics are collected (the
 * OpenTelemetry semantic conventions' {@code db.client.connection.*}) and, where it wants durations, gives it a
 * {@link ConnectionEvents} to be told of each connection's creation, wait and use.
 *
 * <p>Driver-neutral: counts and sizes only. The reads are cheap and never block (a telemetry backend calls them
 * from its collection thread); none throws.
 */
public interface ConnectionPoolFigures {

    /** Connections open and not lent out now. */
    long idle();

    /** Connections lent out now. */
    long used();

    /** Callers waiting now for a connection to be given back or opened. */
    long pending();

    /** The fewest idle connections the pool keeps open (its minimum size where it has no separate idle minimum). */
    int minIdle();

    /** The most idle connections the pool keeps open (its maximum size where it has no separate idle maximum). */
    int maxIdle();

    /** The most connections the pool opens at once. */
    int max();

    /** Callers that gave up waiting for a free connection since the pool was made (the pool was exhausted). */
    long timeouts();

    /**
     * From now on, tells {@code events} of each connection opened, each connection handed out and each given back;
     * {@code null} stops. One listener at a time: a later call replaces the earlier one. With none, the pool reads no
     * clock for it: a hand-out costs what it cost before.
     */
    void listen(ConnectionEvents events);
}
