package io.nebula.resource;

import java.util.List;

/**
 * Resources declared with {@code start=eager} and {@code start.required=true} could not start when the application
 * did: their backend did not answer the check made at start. Thrown from the application's start, so it does not
 * start; {@link #resources()} names each with its reason (secrets masked), the cause is the first one's error when
 * there was one.
 */
public class ResourceStartException extends ResourceException {
    private static final long serialVersionUID = 1L;

    private final List<String> resources;

    /** @param resources each resource that could not start, as {@code name (reason)} */
    public ResourceStartException(List<String> resources, Throwable cause) {
        super(resources.get(0).split(" ", 2)[0], "NEBULA-1007 " + (resources.size() == 1 ? "Resource " : "Resources ")
                + String.join(", ", resources) + " could not start, and start.required=true says the application"
                + " must not start without " + (resources.size() == 1 ? "it" : "them"), cause);
        this.resources = List.copyOf(resources);
    }

    /** Each resource that could not start, as {@code name (reason)}. */
    public List<String> resources() {
        return resources;
    }
}
