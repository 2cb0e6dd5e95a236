package io.nebula.resource.core.credential;

/**
 * Told when the credentials of a resource rotated on this node by what this node saw itself (its watch, a creation,
 * an operator's refresh), never by what another node announced: the cluster publishes it so that every node flushes
 * its old-credential connections at once ({@code ClusterRotation}, docs/cluster.md). Must not block: it is called on
 * the thread that rotated.
 */
@FunctionalInterface
public interface RotationAnnouncer {

    /** The credentials of {@code resource} changed here. */
    void announce(String resource);
}
