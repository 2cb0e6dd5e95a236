package io.nebula.resource.cdi.testing;

/** A thread-safe client shared by all its users (think Lettuce or HttpClient). Final on purpose: it is never proxied. */
public final class SharedClient {

    private final int id;
    private final String resource;

    SharedClient(int id, String resource) {
        this.id = id;
        this.resource = resource;
    }

    public int id() {
        return id;
    }

    public String resource() {
        return resource;
    }
}
