package io.nebula.resource.provider.nats;

import io.nats.client.AuthenticationException;
import io.nebula.resource.ConfigurationInvalidException;

import java.util.Locale;

/** What a jnats error says about the connection that raised it. */
final class NatsErrors {

    private static final int MAX_CAUSES = 16; // a cause chain longer than this is a loop

    private NatsErrors() {
    }

    /**
     * A closed connection never comes back (jnats closes it for good after its reconnect attempts
     * ran out, or when it was closed): every call then fails with
     * {@code IllegalStateException: Connection is Closed}. Errors while it reconnects (a full
     * reconnect buffer) are not fatal: jnats is already repairing the connection.
     */
    static boolean isFatal(Throwable error) {
        Throwable t = error;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof IllegalStateException && mentions(t, "closed")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether connecting again could succeed: not after the server refused the credentials
     * ({@code Authorization Violation}, {@code User Authentication Expired}/{@code Revoked}).
     */
    static boolean isRetryable(Throwable error) {
        Throwable t = error;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof ConfigurationInvalidException || t instanceof AuthenticationException
                    || mentions(t, "authorization violation") || mentions(t, "user authentication")) {
                return false;
            }
        }
        return true;
    }

    private static boolean mentions(Throwable t, String words) {
        return t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains(words);
    }
}
