package io.nebula.resource;

/** A lease was used after it was closed or invalidated. */
public class LeaseClosedException extends ResourceException {
    private static final long serialVersionUID = 1L;

    public LeaseClosedException(String resource) {
        super(resource, "Lease on resource '" + resource + "' was already closed");
    }
}
