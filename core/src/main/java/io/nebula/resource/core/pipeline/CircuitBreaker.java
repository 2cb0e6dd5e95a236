package io.nebula.resource.core.pipeline;

import io.nebula.resource.core.Ticker;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * One pool's circuit breaker, written for the synchronous acquisition path so that a success in a healthy
 * circuit costs one volatile read and nothing else. It keeps SmallRye Fault Tolerance 6.11's semantics
 * (which it replaces here, see {@link CircuitBreakerStage} for why), state for state:
 * <ul>
 *   <li><b>closed</b>: a rolling window of the last {@code requestVolume} outcomes; once the window is full,
 *       {@code ceil(failureRatio × requestVolume)} failures in it open the circuit. The check runs after every
 *       outcome, a success included (a window that fills up with enough failures in it opens on a success, and
 *       with a ratio of 0 a full window opens whatever it holds). An error that does not count against the
 *       circuit ({@link Failures#countsAgainstCircuit}) is recorded as a success, as SmallRye's {@code when}
 *       does.</li>
 *   <li><b>open</b>: every acquisition fails at once with {@link io.nebula.resource.CircuitOpenException} until
 *       {@code delay} has passed; then the circuit is half-open.</li>
 *   <li><b>half-open</b>: up to {@code successThreshold} probes go through, later ones are refused;
 *       {@code successThreshold} successes close the circuit (with a new, empty window), a failure opens it
 *       again.</li>
 * </ul>
 *
 * <p><b>The fast path.</b> A closed window that is full and holds no failure ("quiet") is left exactly as it
 * is by one more success: SmallRye would clear a bit that is already clear and find no failure. So a success
 * in a quiet window writes nothing: no lock, no counter, no allocation. Only while the window holds a
 * failure, or is still filling up, is each outcome written under the window's lock, as SmallRye writes all of
 * them. Where in a quiet window a failure lands does not matter (all its places are alike), so skipping the
 * successes' index moves changes nothing later either. Concurrent outcomes are recorded in some order in
 * either implementation; here a skipped success counts as recorded when its acquisition read the state,
 * which lies within the acquisition, as SmallRye's record at its end does.
 *
 * <p>SmallRye also moves an open circuit to half-open with a timer, for observers; here the move happens on
 * the first acquisition or the first read of the state ({@link CircuitState#state()}) after the delay, so an
 * observer sees the same and no timer thread is needed.
 */
final class CircuitBreaker {

    private static final int CLOSED = 0;
    private static final int OPEN = 1;
    private static final int HALF_OPEN = 2;

    private volatile Settings settings; // replaced as a whole when an operator changes circuit-breaker.*
    private final Predicate<Throwable> countsAgainst;
    private final CircuitState circuit;
    private final Ticker ticker;
    private final AtomicReference<Phase> phase;

    CircuitBreaker(ResiliencePolicy policy, Predicate<Throwable> countsAgainst, CircuitState circuit, Ticker ticker) {
        this.settings = new Settings(policy);
        this.countsAgainst = countsAgainst;
        this.circuit = circuit;
        this.ticker = ticker;
        this.phase = new AtomicReference<>(closed());
        circuit.observe(this::refresh);
    }

    /**
     * The phase an acquisition starts in: a closed one lets it through, an open one whose delay is over is
     * first moved to half-open. The caller passes what it gets to {@link #admit} and the outcome methods.
     */
    Phase current() {
        return phase.get();
    }

    /** Whether {@code p} lets an acquisition through without any bookkeeping before it: a closed circuit. */
    static boolean isClosed(Phase p) {
        return p.id == CLOSED;
    }

    /**
     * For an acquisition that did not start in a closed circuit: the phase it runs in (a half-open probe), or
     * the refusal when the circuit is open or has all its probes out.
     */
    Phase admit(Phase p) {
        while (true) {
            if (p.id == CLOSED) {
                return p;
            }
            if (p.id == OPEN) {
                if (ticker.nanoTime() - p.openedAt < settings.delayNanos) {
                    throw circuit.refusal();
                }
                toHalfOpen(p);
                p = phase.get(); // moved, here or by another thread; not necessarily half-open by now
                continue;
            }
            if (p.probes.incrementAndGet() > settings.successThreshold) {
                throw circuit.refusal();
            }
            return p;
        }
    }

    /** An acquisition that ran in {@code p} succeeded. */
    void succeeded(Phase p) {
        if (p.id == CLOSED) {
            if (p.quiet) {
                return; // a success in a full window without failures changes nothing: see the class comment
            }
            record(p, false);
        } else if (p.id == HALF_OPEN) {
            if (p.successes.incrementAndGet() >= settings.successThreshold) {
                move(p, closed(), CircuitState.Position.CLOSED);
            }
        }
    }

    /** An acquisition that ran in {@code p} failed with {@code error}; counted as a success unless it counts against the circuit. */
    void failed(Phase p, Throwable error) {
        if (!countsAgainst.test(error)) {
            succeeded(p);
            return;
        }
        if (p.id == CLOSED) {
            record(p, true);
        } else if (p.id == HALF_OPEN) {
            toOpen(p);
        }
    }

    private void record(Phase p, boolean failure) {
        boolean open;
        p.lock.lock(); // a lock, not a monitor: a virtual thread parks instead of pinning its carrier
        try {
            int at = p.index;
            p.index = (at + 1) % p.size;
            if (p.recorded < p.size) {
                p.recorded++;
            }
            if (failure) {
                p.failures.set(at);
            } else {
                p.failures.clear(at);
            }
            open = judge(p, settings.failureThreshold);
        } finally {
            p.lock.unlock();
        }
        if (open) {
            toOpen(p);
        }
    }

    /** Under {@code p}'s lock: whether its window opens the circuit, its {@code quiet} set to match. */
    private static boolean judge(Phase p, int failureThreshold) {
        boolean full = p.recorded >= p.size;
        int failed = p.failures.cardinality();
        p.quiet = full && failed == 0 && failureThreshold > 0;
        return full && failed >= failureThreshold;
    }

    /**
     * An operator changed {@code circuit-breaker.*} (not {@code enabled}): from now on the breaker judges with
     * {@code policy}'s settings, in the state it is in. An open circuit stays open, and its new {@code delay} counts
     * from when it opened; a half-open one lets through and needs the new {@code success-threshold} of probes (those
     * already out count). A closed circuit keeps its window: with a new {@code request-volume-threshold} it keeps the
     * latest outcomes that fit in the new size (all of them when it grows, so it is full again only after as many
     * more as it grew by), and the window is judged again at once with the new ratio (as after any outcome), so a
     * window that already holds enough failures opens now. An outcome of an acquisition under way while a closed
     * window is resized is not counted (it belongs to the older phase, as after {@link #reset}).
     */
    void reconfigure(ResiliencePolicy policy) {
        Settings next = new Settings(policy);
        settings = next;
        circuit.delay(policy.circuitDelay());
        Phase p = phase.get();
        if (p.id != CLOSED) {
            return; // an open circuit's next phase is half-open, a half-open one's a new closed window: both read settings
        }
        boolean open;
        Phase now = p;
        p.lock.lock();
        try {
            if (p.size != next.windowSize) {
                now = resized(p, next.windowSize);
                open = judge(now, next.failureThreshold); // before it is published: nobody else writes it yet
                if (!phase.compareAndSet(p, now)) {
                    return; // it opened or was reset meanwhile: that phase reads the new settings
                }
            } else {
                open = judge(p, next.failureThreshold);
            }
        } finally {
            p.lock.unlock();
        }
        if (open) {
            toOpen(now);
        }
    }

    /** Under {@code p}'s lock: a closed phase of {@code size} with {@code p}'s latest outcomes, oldest first. */
    private static Phase resized(Phase p, int size) {
        Phase r = new Phase(CLOSED, size);
        int kept = Math.min(p.recorded, size);
        for (int i = 0; i < kept; i++) {
            int from = Math.floorMod(p.index - kept + i, p.size); // the i-th oldest of the latest `kept`
            if (p.failures.get(from)) {
                r.failures.set(i);
            }
        }
        r.recorded = kept;
        r.index = kept % size;
        return r;
    }

    private void toOpen(Phase from) {
        Phase open = new Phase(OPEN);
        open.openedAt = ticker.nanoTime();
        move(from, open, CircuitState.Position.OPEN);
    }

    private void toHalfOpen(Phase from) {
        move(from, new Phase(HALF_OPEN), CircuitState.Position.HALF_OPEN);
    }

    /** Moves from {@code from} only: an outcome of an acquisition that started in an older phase changes nothing. */
    private void move(Phase from, Phase to, CircuitState.Position state) {
        if (phase.compareAndSet(from, to)) {
            circuit.changed(state);
        }
    }

    /** Whether the circuit refuses every acquisition now (open, its delay not over). */
    boolean isOpen() {
        Phase p = phase.get();
        return p.id == OPEN && ticker.nanoTime() - p.openedAt < settings.delayNanos;
    }

    /**
     * The backend answered a probe ({@link CircuitProber}) while the circuit was open: half-open now rather than at
     * the end of the delay. The acquisitions that follow are the probes that close it, or open it again.
     */
    void backendAnswered() {
        Phase p = phase.get();
        if (p.id == OPEN) {
            toHalfOpen(p);
        }
    }

    /**
     * An operator resets the circuit ({@code ResourceAdmin.resetCircuit}): closed, with an empty window. An outcome of
     * an acquisition begun before is then of an older phase and changes nothing.
     */
    void reset() {
        for (;;) {
            Phase p = phase.get();
            if (phase.compareAndSet(p, closed())) {
                if (p.id != CLOSED) {
                    circuit.changed(CircuitState.Position.CLOSED);
                }
                return;
            }
        }
    }

    /** An open circuit whose delay is over is half-open, whether or not an acquisition came meanwhile. */
    private void refresh() {
        Phase p = phase.get();
        if (p.id == OPEN && ticker.nanoTime() - p.openedAt >= settings.delayNanos) {
            toHalfOpen(p);
        }
    }

    private Phase closed() {
        return new Phase(CLOSED, settings.windowSize);
    }

    /** The settings the breaker judges with, read from {@code circuit-breaker.*}. */
    private static final class Settings {
        final int windowSize;
        final int failureThreshold;
        final long delayNanos;
        final int successThreshold;

        Settings(ResiliencePolicy policy) {
            windowSize = policy.requestVolume();
            failureThreshold = (int) Math.ceil(policy.failureRatio() * policy.requestVolume());
            delayNanos = policy.circuitDelay().toNanos();
            successThreshold = policy.successThreshold();
        }
    }

    /** One stay in one state; a new object for each, so an outcome is counted in the phase it started in. */
    static final class Phase {
        final int id;
        // closed: the rolling window of `size` outcomes (index, recorded and failures guarded by the lock)
        final ReentrantLock lock;
        final int size;
        final BitSet failures;
        int index;
        int recorded;
        volatile boolean quiet;
        // open
        long openedAt;
        // half-open
        final AtomicInteger probes;
        final AtomicInteger successes;

        Phase(int id) {
            this(id, 0);
        }

        Phase(int id, int size) {
            this.id = id;
            this.size = size;
            this.failures = id == CLOSED ? new BitSet(size) : null;
            this.lock = id == CLOSED ? new ReentrantLock() : null;
            this.probes = id == HALF_OPEN ? new AtomicInteger() : null;
            this.successes = id == HALF_OPEN ? new AtomicInteger() : null;
        }
    }
}
