package io.nebula.resource.provider.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.nebula.resource.ConfigurationInvalidException;

import java.io.IOException;
import java.util.List;

/** What a Lettuce error says about the connection that raised it. */
final class RedisErrors {

    /** Messages of Lettuce errors raised because the connection is closed or lost. */
    private static final List<String> CONNECTION_GONE = List.of(
            "Connection is closed", "Connection closed", "Currently not connected");

    /** Server replies that no retry can change: bad credentials, missing permission, no such database. */
    private static final List<String> PERMANENT_REPLIES = List.of(
            "WRONGPASS", "NOAUTH", "NOPERM", "ERR invalid password", "ERR AUTH",
            "ERR DB index is out of range", "ERR invalid DB index");

    private static final String CLOSED_PREMATURELY = "Connection closed prematurely";

    private static final int MAX_CAUSES = 16; // a cause chain longer than this is a loop

    private RedisErrors() {
    }

    /**
     * A connection is broken when it is closed or cannot reach the server. A reply from the server
     * (WRONGTYPE, an unknown command) proves the connection works, and so does a command that timed
     * out: its reply may still come and Lettuce matches it to the command.
     */
    static boolean isFatal(Throwable error) {
        Throwable t = error;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException) {
                return false;
            }
            if (t instanceof RedisConnectionException || t instanceof IOException) {
                return true;
            }
            if (t instanceof RedisException && startsWithAny(t.getMessage(), CONNECTION_GONE)) {
                return true;
            }
        }
        return false;
    }

    /** Whether connecting again could succeed; not after the server refused the credentials or the database. */
    static boolean isRetryable(Throwable error) {
        Throwable t = error;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof ConfigurationInvalidException) {
                return false;
            }
            if (t instanceof RedisException && startsWithAny(t.getMessage(), PERMANENT_REPLIES)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a connect failed because the channel closed while the handshake was still waiting for the
     * server's reply (Lettuce's "Connection closed prematurely"), which hides the reply itself.
     */
    static boolean closedDuringHandshake(Throwable error) {
        Throwable t = error;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(CLOSED_PREMATURELY)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithAny(String message, List<String> prefixes) {
        if (message == null) {
            return false;
        }
        for (String p : prefixes) {
            if (message.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
