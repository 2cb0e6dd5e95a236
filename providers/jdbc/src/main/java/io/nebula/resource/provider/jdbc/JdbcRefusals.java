package io.nebula.resource.provider.jdbc;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceException;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Predicate;

/**
 * A {@code getConnection()} that got no connection, said in both families the data source belongs to (the table of
 * docs/resilience.md). Inward, to the resource's pipeline, a failed hand-out is the exception any kind's acquisition
 * fails with, so the retry, the circuit breaker, the metering and the events judge a data source as they judge a
 * pool: Agroal's wait that ran out is {@code POOL_EXHAUSTED}, the driver's error {@code BACKEND_UNAVAILABLE} with
 * that error as its cause, a closed data source {@link ResourceClosedException}. Outward, to JDBC code, whatever the
 * pipeline refused with is an {@link SQLException} whose cause is that Nebula exception: one rule for every refusal,
 * so a caller that looks past the SQLState finds the same reason a lease's caller gets.
 */
final class JdbcRefusals {

    private final String resource;
    private final Predicate<Throwable> retryable;

    /** @param retryable the provider's {@code isRetryable}: whether retrying the driver's error may help */
    JdbcRefusals(String resource, Predicate<Throwable> retryable) {
        this.resource = resource;
        this.retryable = retryable;
    }

    /**
     * A hand-out that failed with {@code error} (as {@link PooledDataSource} explained it), as the pipeline sees it.
     *
     * @param closed whether the data source was closed: then the error is Agroal's refusal of a closed pool
     */
    ResourceException toPipeline(SQLException error, boolean closed) {
        if (closed) {
            ResourceClosedException refusal = new ResourceClosedException(resource);
            refusal.addSuppressed(error);
            return refusal;
        }
        if (error instanceof PooledDataSource.AllConnectionsInUse exhausted) {
            return new AcquisitionTimeoutException(resource, Reason.POOL_EXHAUSTED, 0, exhausted.getMessage(),
                    exhausted.getCause());
        }
        // core's wording and id for the same failure of any other kind (AcquisitionFailures.unavailable)
        String why = retryable(error) ? "backend unavailable" : "backend refused with an error that retrying cannot fix";
        return new AcquisitionTimeoutException(resource, Reason.BACKEND_UNAVAILABLE, 0,
                "NEBULA-0102 Could not acquire '" + resource + "': " + why + " (last error: " + error.getClass().getName()
                        + ": " + error.getMessage() + ")", error);
    }

    /**
     * What JDBC code gets for {@code refusal}, the pipeline's: an {@link SQLException} whose cause is {@code refusal}.
     * <ul>
     *   <li>{@code POOL_EXHAUSTED} (every connection in use until {@code pool.acquire-timeout}; a full bulkhead):
     *       {@link SQLTimeoutException}, no SQLState;</li>
     *   <li>{@code BACKEND_UNAVAILABLE} with the driver's error: {@link SQLTransientConnectionException} when the
     *       provider says retrying may help, else {@link SQLNonTransientConnectionException}, with the driver's
     *       SQLState (bad credentials stay {@code 28xxx}), or {@code 08001} when it has none;</li>
     *   <li>the data source closed: {@link SQLNonTransientConnectionException} {@code 08003};</li>
     *   <li>anything else (circuit open, quarantined, an attempt past {@code timeout}, a credential that could not be
     *       fetched): {@link SQLTransientConnectionException} {@code 08001}.</li>
     * </ul>
     */
    SQLException toJdbc(ResourceException refusal) {
        if (refusal instanceof ResourceClosedException) {
            return new SQLNonTransientConnectionException("JDBC resource '" + resource + "' is closed", PooledDataSource.CLOSED_STATE, refusal);
        }
        if (refusal instanceof AcquisitionTimeoutException timeout) {
            if (timeout.reason() == Reason.POOL_EXHAUSTED) {
                return new SQLTimeoutException(refusal.getMessage(), null, refusal);
            }
            if (timeout.reason() == Reason.BACKEND_UNAVAILABLE && refusal.getCause() instanceof SQLException driver) {
                String state = driver.getSQLState() != null ? driver.getSQLState() : PooledDataSource.CONNECTION_EXCEPTION;
                return retryable(driver)
                        ? new SQLTransientConnectionException(refusal.getMessage(), state, refusal)
                        : new SQLNonTransientConnectionException(refusal.getMessage(), state, refusal);
            }
        }
        return new SQLTransientConnectionException(refusal.getMessage(), PooledDataSource.CONNECTION_EXCEPTION, refusal);
    }

    private boolean retryable(Throwable error) {
        try {
            return retryable.test(error);
        } catch (RuntimeException e) {
            return true; // as the pipeline does (Failures): a provider that cannot classify its error gets the benefit of the doubt
        }
    }
}
