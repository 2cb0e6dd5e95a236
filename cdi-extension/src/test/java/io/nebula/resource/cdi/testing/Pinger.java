package io.nebula.resource.cdi.testing;

/** A view of a {@link TestConnection}, as a provider's views() offers (think {@code RedisCommands} of a connection). */
public interface Pinger {

    /** The id of the connection behind this view. */
    int ping();
}
