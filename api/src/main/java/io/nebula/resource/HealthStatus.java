package io.nebula.resource;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a health check: {@link Status#UP}, {@link Status#DEGRADED} or {@link Status#DOWN},
 * with a message and details. Details and messages are reported to operators: never put a secret in
 * them.
 */
public final class HealthStatus {

    public enum Status {
        UP, DEGRADED, DOWN;

        /** The worse of the two. */
        public Status worst(Status other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }

    private static final HealthStatus UP_PLAIN = new HealthStatus(Status.UP, null, Map.of(), null);

    private final Status status;
    private final String message;
    private final Map<String, Object> details;
    private final String error;

    private HealthStatus(Status status, String message, Map<String, Object> details, String error) {
        this.status = Objects.requireNonNull(status, "status");
        this.message = message;
        this.details = details.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.error = error;
    }

    public static HealthStatus up() {
        return UP_PLAIN;
    }

    public static HealthStatus up(Map<String, Object> details) {
        return new HealthStatus(Status.UP, null, details, null);
    }

    public static HealthStatus degraded(String message) {
        return new HealthStatus(Status.DEGRADED, message, Map.of(), null);
    }

    public static HealthStatus down(String message) {
        return new HealthStatus(Status.DOWN, message, Map.of(), null);
    }

    /** DOWN because of an error; only its type and message are kept (a check must not leak secrets into messages). */
    public static HealthStatus down(Throwable error) {
        return new HealthStatus(Status.DOWN, describe(error), Map.of(), describe(error));
    }

    public static HealthStatus of(Status status, String message, Map<String, Object> details) {
        return new HealthStatus(status, message, details, null);
    }

    /** A copy with one more detail. */
    public HealthStatus withDetail(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(details);
        copy.put(key, value);
        return new HealthStatus(status, message, copy, error);
    }

    /** A copy with another status and message, keeping the details. */
    public HealthStatus with(Status newStatus, String newMessage) {
        return new HealthStatus(newStatus, newMessage, details, error);
    }

    public Status status() {
        return status;
    }

    public boolean isUp() {
        return status == Status.UP;
    }

    public Optional<String> message() {
        return Optional.ofNullable(message);
    }

    public Map<String, Object> details() {
        return details;
    }

    /** The error that made the check fail, as {@code Type: message}. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    static String describe(Throwable error) {
        if (error == null) {
            return null;
        }
        String m = error.getMessage();
        return error.getClass().getName() + (m == null ? "" : ": " + m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HealthStatus h && h.status == status && Objects.equals(h.message, message)
                && h.details.equals(details) && Objects.equals(h.error, error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, message, details, error);
    }

    @Override
    public String toString() {
        return status + (message == null ? "" : " (" + message + ")") + (details.isEmpty() ? "" : " " + details);
    }
}
