package io.nebula.resource.admin;

import io.nebula.resource.ResourceException;

/**
 * An acquisition refused at once because an operator paused or drained the resource ({@link ResourceAdmin#pause},
 * {@link ResourceAdmin#drain}). The resource serves again after {@link ResourceAdmin#resume}; a resource with a
 * {@code fallback} is served by it meanwhile.
 */
public class ResourcePausedException extends ResourceException {
    private static final long serialVersionUID = 1L;

    private final AdminAction action;

    public ResourcePausedException(String resource, AdminAction action, String message) {
        super(resource, message);
        this.action = action;
    }

    /** {@link AdminAction#PAUSE} or {@link AdminAction#DRAIN}. */
    public AdminAction action() {
        return action;
    }
}
