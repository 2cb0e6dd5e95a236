package io.nebula.resource;

/** The root of every error this framework throws about a resource. */
public class ResourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String resource;

    public ResourceException(String resource, String message, Throwable cause) {
        super(message, cause);
        this.resource = resource;
    }

    public ResourceException(String resource, String message) {
        this(resource, message, null);
    }

    /** The name of the resource concerned, or {@code null} when the error concerns no single resource. */
    public String resource() {
        return resource;
    }
}
