package io.nebula.resource.core.credential;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.Credentials;
import io.nebula.resource.spi.ResourceProvider;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A provider of sessions that log in once with the password in their settings, or keep asking when renewable. */
final class Logins implements ResourceProvider<Logins.Session> {

    /** One logged-in session. */
    static final class Session {
        final String user;
        final String password;
        final Credentials live;
        volatile boolean destroyed;

        Session(String user, String password, Credentials live) {
            this.user = user;
            this.password = password;
            this.live = live;
        }

        /** What a connection opened now would log in with. */
        String passwordNow() {
            return live.current("password").map(Secret::reveal).orElse(null);
        }
    }

    final boolean renewable;
    final Set<Session> live = ConcurrentHashMap.newKeySet();
    final List<Session> renewed = new CopyOnWriteArrayList<>();

    Logins(boolean renewable) {
        this.renewable = renewable;
    }

    @Override
    public String kind() {
        return "login";
    }

    @Override
    public Class<Session> type() {
        return Session.class;
    }

    @Override
    public Session create(ResourceSettings settings) {
        return create(settings, Credentials.of(settings));
    }

    @Override
    public Session create(ResourceSettings settings, Credentials credentials) {
        Session s = new Session(settings.string("username").orElse(null),
                settings.secret("password").map(Secret::reveal).orElse(null), credentials);
        live.add(s);
        return s;
    }

    @Override
    public boolean renewCredentials(Session instance) {
        if (renewable) {
            renewed.add(instance);
        }
        return renewable;
    }

    @Override
    public HealthStatus check(Session instance, CheckDepth depth) {
        return HealthStatus.up();
    }

    @Override
    public void destroy(Session instance) {
        instance.destroyed = true;
        live.remove(instance);
    }
}
