package io.nebula.resource.cdi.testing;

/** One instance of a pooled test resource: an id, which resource made it, and whether it was destroyed. */
public class TestConnection implements Queryable {

    private final int id;
    private final String resource;
    private volatile boolean destroyed;

    /** For the container's client proxies. */
    protected TestConnection() {
        this(0, null);
    }

    TestConnection(int id, String resource) {
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

    /** Fails when the instance was destroyed: a use after release shows. */
    @Override
    public String query(String q) {
        if (destroyed) {
            throw new IllegalStateException("connection " + id + " of " + resource + " was destroyed");
        }
        return resource + "#" + id + ":" + q;
    }
}
