package io.nebula.resource.it.support;

/**
 * One instance of the pooled test resource (kind {@code it-channel}): numbered as created, it knows which
 * resource made it and refuses to work once destroyed, so that a use after release shows.
 */
public class Channel {

    private final int id;
    private final String resource;
    private volatile boolean destroyed;

    /** For the container's client proxies. */
    protected Channel() {
        this(0, null);
    }

    Channel(int id, String resource) {
        this.id = id;
        this.resource = resource;
    }

    public int id() {
        return id;
    }

    public String resource() {
        return resource;
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    void destroy() {
        destroyed = true;
    }

    /** {@code resource#id:message}; fails when the instance was destroyed. */
    public String send(String message) {
        if (destroyed) {
            throw new IllegalStateException("channel " + id + " of " + resource + " was destroyed");
        }
        return resource + "#" + id + ":" + message;
    }
}
