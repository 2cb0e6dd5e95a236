package io.nebula.resource.spi;

/** How a provider's instances are shared; the engine picks its pooling from this. */
public enum Topology {
    /** N instances, one lease each (channels, sessions, custom clients). */
    POOLED,
    /** One thread-safe instance shared by all; a lease is a cheap reference (Lettuce, NATS, HttpClient, an Agroal DataSource). */
    RESIDENT,
    /** A shared instance with a cap ({@code pool.max-size}) on concurrent users. */
    BOUNDED
}
