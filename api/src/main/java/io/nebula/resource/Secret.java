package io.nebula.resource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential or other secret configuration value. Its {@link #toString()} is masked, so a secret
 * that reaches a log line, an exception message or a span by accident shows as {@value #MASK}.
 * Call {@link #reveal()} only where the value is handed to a driver.
 */
public final class Secret {

    public static final String MASK = "******";

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The clear value, for the driver that needs it. Never log it. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** Constant-time comparison, so rotation checks do not leak timing. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 1; // equal secrets must hash alike; a hash of the value would be a hint about it
    }

    @Override
    public String toString() {
        return MASK;
    }
}
