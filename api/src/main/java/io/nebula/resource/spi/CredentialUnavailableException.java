package io.nebula.resource.spi;

import io.nebula.resource.ResourceException;

/**
 * A credential could not be fetched from its source (the mounted file is missing, the source refused). The
 * cause is the source's own error; the message names the resource, the key and the source, never a value.
 */
public class CredentialUnavailableException extends ResourceException {
    private static final long serialVersionUID = 1L;

    public CredentialUnavailableException(String resource, String message, Throwable cause) {
        super(resource, message, cause);
    }
}
