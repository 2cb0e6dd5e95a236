package io.nebula.resource.core;

/** Why the pool let an instance go. */
public enum EvictionReason {
    /** Sat idle longer than {@code pool.idle-timeout} while the pool was above its minimum. */
    IDLE_TIMEOUT,
    /** Reached {@code pool.max-lifetime} (with jitter). */
    MAX_LIFETIME,
    /** Failed a validation or keep-alive check, or could not be recycled. */
    INVALID,
    /** Its holder invalidated the lease or reported a fatal error. */
    FATAL,
    /** The pool shrank: a smaller maximum, or adaptive sizing saw lower demand. */
    SHRINK,
    /** Its endpoint went DOWN ({@code pool.endpoints}): its instances are replaced on the others. */
    ENDPOINT_DOWN,
    /** The pool was drained or closed. */
    CLOSE
}
