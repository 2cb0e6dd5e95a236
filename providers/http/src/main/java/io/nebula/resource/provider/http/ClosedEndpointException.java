package io.nebula.resource.provider.http;

/** The HTTP resource was closed; the engine treats this as fatal and replaces the endpoint. */
final class ClosedEndpointException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ClosedEndpointException(String resource) {
        super("HTTP resource '" + resource + "' is closed");
    }
}
