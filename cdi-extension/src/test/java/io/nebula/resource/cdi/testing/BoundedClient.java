package io.nebula.resource.cdi.testing;

/** A shared client with a cap on concurrent users. */
public class BoundedClient {

    private final int id;

    protected BoundedClient() {
        this(0);
    }

    BoundedClient(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }
}
