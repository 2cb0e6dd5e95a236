package io.nebula.resource.provider.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import io.nebula.resource.ConfigurationInvalidException;

import java.io.IOException;

/** What an amqp-client error says about the channel that raised it. */
final class RabbitErrors {

    private static final int MAX_CAUSES = 16; // a cause chain longer than this is a loop

    private RabbitErrors() {
    }

    /**
     * In AMQP almost every error closes the channel (a passive declare of a missing queue, a
     * publish to a missing exchange) or the whole connection: amqp-client reports those as a
     * {@link ShutdownSignalException}, alone or as the cause of an {@link IOException}. Other I/O
     * errors are a lost socket or an RPC whose reply never came, after which the channel is out of
     * step. What amqp-client refuses before sending (an argument out of range, confirms not
     * selected) leaves the channel as it was.
     */
    static boolean isFatal(Throwable error) {
        Throwable t = error;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof ShutdownSignalException || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether opening the connection again could succeed: not after the broker refused the
     * credentials, or refused the virtual host (unknown, or the user may not use it).
     */
    static boolean isRetryable(Throwable error) {
        Throwable t = error;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof ConfigurationInvalidException || t instanceof PossibleAuthenticationFailureException) {
                return false;
            }
            if (t instanceof ShutdownSignalException s && s.isHardError()
                    && s.getReason() instanceof AMQP.Connection.Close close
                    && (close.getReplyCode() == AMQP.ACCESS_REFUSED || close.getReplyCode() == AMQP.NOT_ALLOWED)) {
                return false;
            }
        }
        return true;
    }
}
