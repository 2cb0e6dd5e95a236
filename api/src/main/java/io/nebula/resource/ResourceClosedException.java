package io.nebula.resource;

/** The resource has been closed (or terminated) and can no longer be used. */
public class ResourceClosedException extends ResourceException {
    private static final long serialVersionUID = 1L;

    public ResourceClosedException(String resource) {
        super(resource, "Resource '" + resource + "' is closed");
    }
}
