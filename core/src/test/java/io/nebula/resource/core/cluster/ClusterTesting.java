package io.nebula.resource.core.cluster;

import java.time.Duration;

/** A node on an in-memory backend, for tests of other packages. */
public final class ClusterTesting {

    private ClusterTesting() {
    }

    public static ClusterNode node(String id) {
        return new ClusterNode(new SharedPermits().node(id), Duration.ofSeconds(3), System::currentTimeMillis);
    }
}
