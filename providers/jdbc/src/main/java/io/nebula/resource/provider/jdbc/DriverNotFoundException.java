package io.nebula.resource.provider.jdbc;

import io.nebula.resource.ResourceException;

/** The JDBC driver of a kind is not on the class path; no retry can help. */
final class DriverNotFoundException extends ResourceException {
    private static final long serialVersionUID = 1L;

    DriverNotFoundException(String resource, String message) {
        super(resource, "JDBC resource '" + resource + "': " + message);
    }
}
