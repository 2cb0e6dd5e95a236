package io.nebula.resource.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of a {@link SharedResourcePool} and the leases on it. Once retired, new leases get another
 * instance, and this one is destroyed when its last lease comes back.
 */
final class SharedInstance<R> {
    final R instance;
    final int endpoint;
    long expiresAt;
    long nextKeepalive;
    final AtomicInteger users = new AtomicInteger();
    volatile boolean retired;
    final AtomicBoolean destroyed = new AtomicBoolean();

    SharedInstance(R instance, int endpoint, long expiresAt, long nextKeepalive) {
        this.instance = instance;
        this.endpoint = endpoint;
        this.expiresAt = expiresAt;
        this.nextKeepalive = nextKeepalive;
    }

    boolean destroyed() {
        return destroyed.get();
    }
}
