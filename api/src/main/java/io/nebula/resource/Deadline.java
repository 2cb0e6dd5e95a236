package io.nebula.resource;

import java.time.Duration;
import java.util.Objects;

/**
 * The moment by which the caller needs its answer: a workflow's or an action's time budget, carried by its
 * {@link ResourceContext} into every acquisition made for it. An acquisition never waits, retries or backs off past
 * its context's deadline, and fails with {@link AcquisitionTimeoutException.Reason#DEADLINE_EXCEEDED} when the
 * deadline leaves it no time; an HTTP resource tells the server what is left of it in a request header.
 *
 * <p>A deadline is a point on the {@link System#nanoTime()} time base (the engine's clock), so it means the same on
 * every thread of the JVM and nothing outside it. It remembers the budget it was set with, for messages that say how
 * much of it was left ({@code deadline exceeded: 0 ms of 250 ms left}).
 *
 * <pre>{@code
 * Deadline deadline = Deadline.after(Duration.ofMillis(250));
 * try (Lease<Channel> lease = jobs.acquire(null, ResourceContext.GLOBAL.withDeadline(deadline))) { ... }
 * }</pre>
 *
 * <p>Deadlines only tighten: where two meet (a scope entered with one inside a scope that has one, a context given
 * one), the earlier holds ({@link #earliest}).
 *
 * @param nanoTime when it passes, on the {@link System#nanoTime()} time base
 * @param budget   the time it was set with, as a caller would say it ({@code @Action(timeout = "250ms")})
 */
public record Deadline(long nanoTime, Duration budget) {

    /** The thread's deadline, for what learns of it from no context: an HTTP request's header. */
    private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

    public Deadline {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative()) {
            throw new IllegalArgumentException("a deadline's budget cannot be negative, was " + budget);
        }
    }

    /** A deadline {@code budget} from now. */
    public static Deadline after(Duration budget) {
        return after(budget, System.nanoTime());
    }

    /**
     * A deadline {@code budget} after {@code nowNanos}, a reading of a clock on the {@link System#nanoTime()} time
     * base: an engine's clock, or a test's fake one.
     */
    public static Deadline after(Duration budget, long nowNanos) {
        return new Deadline(nowNanos + saturatedNanos(budget), budget);
    }

    /** The earlier of two deadlines, either of which may be {@code null} (no deadline). */
    public static Deadline earliest(Deadline a, Deadline b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.nanoTime - a.nanoTime < 0 ? b : a; // compared as nanoTime values are: by their difference
    }

    /** Nanoseconds left at {@code nowNanos} (same time base); zero or below once it has passed. */
    public long remainingNanos(long nowNanos) {
        return nanoTime - nowNanos;
    }

    /** What is left of it now; {@link Duration#ZERO} once it has passed. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, remainingNanos(System.nanoTime())));
    }

    /** Whether it has passed. */
    public boolean hasPassed() {
        return remainingNanos(System.nanoTime()) <= 0;
    }

    /**
     * The deadline of this thread, {@code null} when it has none: the one of the workflow scopes it is in (the CDI
     * extension binds it when a scope is entered), or one {@linkplain #bind() bound} by the application. Read by what
     * is told of it by no {@link ResourceContext}, such as the {@code http} provider's header.
     */
    public static Deadline current() {
        return CURRENT.get();
    }

    /**
     * Makes the earlier of this deadline and the thread's {@linkplain #current() current} one the thread's deadline
     * until the returned binding is closed, on this thread, which puts the previous one back.
     *
     * <pre>{@code
     * try (Deadline.Binding b = Deadline.after(Duration.ofSeconds(2)).bind()) {
     *     payments.send(request, BodyHandlers.ofString()); // carries the header of what is left of 2 s
     * }
     * }</pre>
     */
    public Binding bind() {
        Deadline previous = CURRENT.get();
        Deadline bound = earliest(previous, this);
        CURRENT.set(bound);
        return new Binding(previous, bound, Thread.currentThread());
    }

    /** Says the budget and what is left of it now, never the raw clock reading. */
    @Override
    public String toString() {
        return "Deadline[" + remaining().toMillis() + " ms of " + budget.toMillis() + " ms left]";
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2; // centuries: far enough, and still no overflow once added to a nanoTime
        }
    }

    /** A deadline bound to a thread by {@link #bind()}; closing it puts back the thread's previous one. */
    public static final class Binding implements AutoCloseable {
        private final Deadline previous;
        private final Deadline bound;
        private final Thread owner;

        private Binding(Deadline previous, Deadline bound, Thread owner) {
            this.previous = previous;
            this.bound = bound;
            this.owner = owner;
        }

        /**
         * Puts the previous deadline back, if this binding's is still the thread's: a binding closed out of order, or
         * from another thread, leaves alone what was bound since.
         */
        @Override
        public void close() {
            if (Thread.currentThread() != owner || CURRENT.get() != bound) {
                return;
            }
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
