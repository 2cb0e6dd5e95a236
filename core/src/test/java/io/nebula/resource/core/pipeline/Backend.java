package io.nebula.resource.core.pipeline;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;

/** A pooled fake backend that can be taken down: creations fail with a driver's {@code ConnectException}. */
final class Backend implements ResourceProvider<Backend.Session> {

    record Session(int id) {
    }

    volatile boolean down;
    final AtomicInteger creations = new AtomicInteger();

    @Override
    public String kind() {
        return "fake";
    }

    @Override
    public Class<Session> type() {
        return Session.class;
    }

    @Override
    public Session create(ResourceSettings settings) throws IOException {
        if (down) {
            throw new ConnectException("connection refused");
        }
        return new Session(creations.incrementAndGet());
    }

    @Override
    public HealthStatus check(Session instance, CheckDepth depth) {
        return down ? HealthStatus.down("backend down") : HealthStatus.up();
    }

    @Override
    public void destroy(Session instance) {
    }
}
