package io.nebula.resource.provider.testing;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * One timed call: what it returned or threw, and how long it took. For the tests that show an
 * acquisition failing at once rather than after its timeout.
 *
 * @param value what the call returned, or {@code null} when it threw
 * @param error what the call threw, or {@code null}
 * @param took  how long the call took
 */
public record Attempt<T>(T value, Throwable error, Duration took) {

    public static <T> Attempt<T> of(Callable<T> call) {
        long start = System.nanoTime();
        try {
            T value = call.call();
            return new Attempt<>(value, null, Duration.ofNanos(System.nanoTime() - start));
        } catch (Exception | AssertionError e) {
            return new Attempt<>(null, e, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    public boolean failed() {
        return error != null;
    }

    /** The error and its causes, each once, outermost first. */
    public List<Throwable> errorChain() {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The errors that wrap {@code cause} in {@link #errorChain()}, outermost first: none when it is the error itself. */
    public List<Throwable> errorsAround(Throwable cause) {
        List<Throwable> chain = errorChain();
        int at = chain.indexOf(cause);
        if (at < 0) {
            throw new IllegalArgumentException(cause + " is not in the chain " + chain);
        }
        return chain.subList(0, at);
    }

    /**
     * Whether {@code error} is Nebula's word that the backend of {@code resource} is not there: an acquisition
     * refused because the backend is unavailable or quarantined, or because the resource's circuit is open.
     */
    public static boolean isBackendRefusal(Throwable error, String resource) {
        if (error instanceof AcquisitionTimeoutException e) {
            return resource.equals(e.resource()) && (e.reason() == AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE
                    || e.reason() == AcquisitionTimeoutException.Reason.QUARANTINED);
        }
        return error instanceof CircuitOpenException e && resource.equals(e.resource());
    }

    /** The outermost error in {@link #errorChain()} that is a {@code type}. */
    public <E extends Throwable> Optional<E> errorOfType(Class<E> type) {
        return errorChain().stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    @Override
    public String toString() {
        return (failed() ? "failed after " + took + " with " + error : "returned " + value + " after " + took);
    }
}
