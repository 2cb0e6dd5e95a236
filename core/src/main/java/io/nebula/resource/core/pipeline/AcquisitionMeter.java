package io.nebula.resource.core.pipeline;

import io.nebula.resource.core.telemetry.AcquisitionCounts;
import io.nebula.resource.core.telemetry.Outcome;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one pool's acquisitions came to: counts by {@link Outcome} and durations, since the pool started, read
 * by metrics at collection time ({@link AcquisitionCounts}) and by {@code ResourceStatistics} over a recent window.
 *
 * <p><b>The hit path writes one striped counter.</b> A pool hit (an acquisition that ended within the tick of
 * the hit clock it began in) increments {@link #hits}, a {@link LongAdder}: uncontended it is one CAS on a field
 * of this pool, contended it spreads over per-thread cells, so threads on different cores never write the same
 * line. Everything else (an acquisition that waited, or failed) takes the slow path: a counter per outcome and a
 * duration histogram of power-of-two milliseconds, both made on the first slow acquisition, so an idle tenant
 * pool carries one small object.
 *
 * <p><b>The recent window.</b> {@link #recent} reports the acquisitions since a mark that moves forward at most
 * once a {@value #WINDOW_SECONDS}-second window, when it is read: the figures cover the last one to two windows
 * of a pool whose figures are read regularly (a dashboard), and everything since the last read otherwise.
 */
final class AcquisitionMeter implements AcquisitionCounts {

    static final int WINDOW_SECONDS = 60;
    /** Bucket 0: under one tick (about a millisecond); bucket k: up to 2^k ms. */
    static final int BUCKETS = 40;
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(1);

    private final String tenant;
    private final LongAdder hits = new LongAdder();
    private volatile Slow slow;
    private volatile java.util.concurrent.ConcurrentHashMap<String, AcquisitionMeter> otherTenants;
    private volatile Totals mark;
    private volatile Totals previousMark;

    /** @param tenant the tenant of the pool, {@code null} for a resource's shared pool */
    AcquisitionMeter(String tenant) {
        this.tenant = tenant;
    }

    /**
     * The meter of an acquisition made for {@code tenant}: this one for the pool's own tenant (or none), else
     * that tenant's own, made on its first acquisition here. A pool hit outside any tenant costs one null check.
     */
    AcquisitionMeter of(String tenant) {
        if (tenant == null || tenant.equals(this.tenant)) {
            return this;
        }
        java.util.concurrent.ConcurrentHashMap<String, AcquisitionMeter> others = otherTenants;
        if (others == null) {
            others = makeOthers();
        }
        AcquisitionMeter m = others.get(tenant);
        return m != null ? m : others.computeIfAbsent(tenant, AcquisitionMeter::new);
    }

    private java.util.concurrent.ConcurrentHashMap<String, AcquisitionMeter> makeOthers() {
        java.util.concurrent.ConcurrentHashMap<String, AcquisitionMeter> made = new java.util.concurrent.ConcurrentHashMap<>();
        return OTHERS.compareAndSet(this, null, made) ? made : otherTenants;
    }

    @Override
    public void forEachTenant(java.util.function.BiConsumer<String, AcquisitionCounts> each) {
        java.util.concurrent.ConcurrentHashMap<String, AcquisitionMeter> others = otherTenants;
        if (others != null) {
            others.forEach(each);
        }
    }

    /** An acquisition was served within one tick. */
    void hit() {
        hits.increment();
    }

    /** A successful acquisition took {@code nanos} (one tick or more). */
    void waited(long nanos) {
        slow().record(Outcome.SUCCESS, nanos);
    }

    /** An acquisition failed with {@code error} after {@code nanos}, retries included. */
    void failed(long nanos, Throwable error) {
        slow().record(Outcome.of(error), nanos);
    }

    /** Pool hits so far, other tenants' included: what a pool's history takes a bucket's hits from. */
    long hitsAll() {
        long n = hits.sum();
        java.util.concurrent.ConcurrentHashMap<String, AcquisitionMeter> others = otherTenants;
        if (others != null) {
            for (AcquisitionMeter m : others.values()) {
                n += m.hits.sum();
            }
        }
        return n;
    }

    @Override
    public long count(Outcome outcome) {
        Slow s = slow;
        long counted = s == null ? 0 : s.outcomes[outcome.ordinal()].sum();
        return outcome == Outcome.SUCCESS ? counted + hits.sum() : counted;
    }

    private Slow slow() {
        Slow s = slow;
        if (s == null) {
            s = makeSlow();
        }
        return s;
    }

    private Slow makeSlow() {
        Slow made = new Slow();
        // racing threads may each make one: the first published wins, and the others record into it
        return SLOW.compareAndSet(this, null, made) ? made : slow;
    }

    /** Everything recorded so far, other tenants' acquisitions included. */
    Totals totals(long nowNanos) {
        Totals own = ownTotals(nowNanos);
        java.util.concurrent.ConcurrentHashMap<String, AcquisitionMeter> others = otherTenants;
        if (others != null) {
            for (AcquisitionMeter m : others.values()) {
                own = own.plus(m.ownTotals(nowNanos));
            }
        }
        return own;
    }

    private Totals ownTotals(long nowNanos) {
        long[] outcomes = new long[OUTCOMES.length];
        long[] buckets = new long[BUCKETS];
        Slow s = slow;
        if (s != null) {
            for (int i = 0; i < outcomes.length; i++) {
                outcomes[i] = s.outcomes[i].sum();
            }
            for (int i = 0; i < BUCKETS; i++) {
                buckets[i] = s.buckets.get(i);
            }
        }
        return new Totals(hits.sum(), outcomes, buckets, nowNanos);
    }

    /**
     * The acquisitions of the recent window (see the class comment) as of {@code nowNanos}, with the mark moved on
     * when the current window is over. Several readers at once may move it twice; the window stays as wide.
     */
    Totals recent(long nowNanos) {
        Totals now = totals(nowNanos);
        Totals m = mark;
        if (m == null) {
            mark = now;
            previousMark = null;
            return now;
        }
        if (nowNanos - m.at() >= TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
            previousMark = m;
            mark = now;
        }
        Totals from = previousMark;
        return from == null ? now : now.minus(from);
    }

    /** The duration bucket of {@code nanos}: 0 under one tick, else 1 + log2 of the milliseconds. */
    static int bucketOf(long nanos) {
        if (nanos < TICK) {
            return 0;
        }
        long millis = Math.max(1, nanos / TICK);
        return Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(millis));
    }

    /** The longest duration bucket {@code b} holds. */
    static Duration upperBound(int b) {
        return Duration.ofMillis(1L << Math.min(b, 62));
    }

    /** The slow path's figures, made on the first acquisition that waited or failed. */
    private static final class Slow {
        final LongAdder[] outcomes = new LongAdder[OUTCOMES.length];
        final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);

        Slow() {
            for (int i = 0; i < outcomes.length; i++) {
                outcomes[i] = new LongAdder();
            }
        }

        void record(Outcome outcome, long nanos) {
            outcomes[outcome.ordinal()].increment();
            buckets.incrementAndGet(bucketOf(nanos));
        }
    }

    /**
     * Counts at one moment, or between two.
     *
     * @param hits     acquisitions served within one tick (all successes, all in bucket 0)
     * @param outcomes the other acquisitions, by {@link Outcome} ordinal
     * @param buckets  the other acquisitions by duration bucket
     */
    record Totals(long hits, long[] outcomes, long[] buckets, long at) {

        long acquisitions() {
            long n = hits;
            for (long o : outcomes) {
                n += o;
            }
            return n;
        }

        long failures() {
            long n = 0;
            for (int i = 0; i < outcomes.length; i++) {
                if (i != Outcome.SUCCESS.ordinal()) {
                    n += outcomes[i];
                }
            }
            return n;
        }

        /** The bucket holding the nearest-rank {@code quantile}; -1 when nothing was recorded. */
        int bucketAt(double quantile) {
            long n = acquisitions();
            if (n == 0) {
                return -1;
            }
            long rank = (long) Math.ceil(quantile * n);
            long seen = hits;
            for (int b = 0; b < buckets.length; b++) {
                seen += buckets[b];
                if (seen >= rank) {
                    return b;
                }
            }
            return buckets.length - 1;
        }

        Totals minus(Totals earlier) {
            long[] o = outcomes.clone();
            long[] b = buckets.clone();
            for (int i = 0; i < o.length; i++) {
                o[i] -= earlier.outcomes[i];
            }
            for (int i = 0; i < b.length; i++) {
                b[i] -= earlier.buckets[i];
            }
            return new Totals(hits - earlier.hits, o, b, at);
        }

        /** These counts added to {@code other}'s: a resource's pools together. */
        Totals plus(Totals other) {
            long[] o = outcomes.clone();
            long[] b = buckets.clone();
            for (int i = 0; i < o.length; i++) {
                o[i] += other.outcomes[i];
            }
            for (int i = 0; i < b.length; i++) {
                b[i] += other.buckets[i];
            }
            return new Totals(hits + other.hits, o, b, Math.max(at, other.at));
        }
    }

    private static final java.lang.invoke.VarHandle SLOW;
    private static final java.lang.invoke.VarHandle OTHERS;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
            SLOW = lookup.findVarHandle(AcquisitionMeter.class, "slow", Slow.class);
            OTHERS = lookup.findVarHandle(AcquisitionMeter.class, "otherTenants", java.util.concurrent.ConcurrentHashMap.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
