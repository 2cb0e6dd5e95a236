package io.nebula.resource.core.cluster;

/**
 * The backend of the cluster's limits did not answer within {@code nebula.cluster.redis-timeout}, or refused the
 * call. The node then counts alone (its local limits) until the backend answers again: the exception never reaches
 * an application.
 */
public class ClusterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
