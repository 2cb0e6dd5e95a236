package io.nebula.resource.cdi.testing;

/** A backend refused the credentials: no retry can fix it. Its message names no secret, as the SPI asks. */
public class AuthenticationFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException(String message) {
        super(message);
    }
}
