package io.nebula.resource.core.history;

import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.history.Anomaly;
import io.nebula.resource.history.HistoryBucket;
import io.nebula.resource.history.ResourceHistory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The last hour of one pool (a resource's shared pool, or one tenant's): {@value HistoryClock#BUCKETS} buckets of
 * {@link HistoryClock#BUCKET}, and the {@link Baseline}s its anomalies are judged against.
 *
 * <p><b>Memory.</b> A pool that never served holds this object only (its fields, no arrays). On its first acquisition
 * it gets the bucket being filled ({@link Live}: a {@value LatencyBins#COUNT}-counter histogram, about 1 KB) and, when
 * that bucket closes, the ring of completed buckets, compacted to 20 bytes a bucket (acquisitions, p50, p99 as
 * numbers; utilization in thousandths; waiters) in parallel arrays of {@value HistoryClock#BUCKETS}: about 7 KB, the
 * same for a pool served once an hour as for one served a million times a second. Errors by type are kept per bucket
 * only for buckets that had errors.
 *
 * <p><b>The hit path.</b> An acquisition adds to the bucket being filled without a lock or an allocation: a pool hit
 * writes nothing (the pool's meter counts it, and a bucket's hits are the meter's count between its start and the next
 * bucket's; a history without a meter increments a {@link LongAdder}); a slower acquisition increments one counter of an {@link AtomicLongArray}; a failure
 * also a {@link LongAdder} per exception type, made on its type's first failure in the bucket. Utilization and
 * waiters are sampled from the pool's snapshot on every acquisition that waited or failed and otherwise at most every
 * {@value #SAMPLE_MILLIS} ms, so the maximum of a bucket served only by hits is a sample's. The first acquisition
 * after a bucket's end swaps in a new bucket (one allocation per bucket) and compacts the one that ended into the
 * ring, where its anomalies are judged; an acquisition on another thread still recording into the old bucket at that
 * instant may be lost to the history (never to the meter or the metrics), and so may a hit whose
 * metering stage, which times a little more, saw the clock tick.
 */
public final class PoolHistory {

    static final long SAMPLE_MILLIS = 100;
    private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS);
    /** Floors below which a signal is never anomalous. */
    static final double P99_FLOOR_MILLIS = 5;
    static final double ERROR_RATE_FLOOR = 0.05;
    public static final String P99 = "acquisition-p99";
    public static final String ERROR_RATE = "error-rate";

    private final String resource;
    private final String tenant;
    private final HistoryClock clock;
    private final Supplier<PoolSnapshot> snapshot;
    private final AnomalyListener listener;
    private final java.util.function.LongSupplier hitsCounted; // null: this history counts its own hits
    private volatile Live live;
    private volatile Ring ring;
    private final ReentrantLock compacting = new ReentrantLock();

    /**
     * @param tenant   the pool's tenant, {@code null} for a resource's shared pool
     * @param snapshot the pool's figures now, sampled for utilization and waiters
     */
    public PoolHistory(String resource, String tenant, HistoryClock clock, Supplier<PoolSnapshot> snapshot,
                       AnomalyListener listener) {
        this(resource, tenant, clock, snapshot, listener, null);
    }

    /**
     * @param hitsCounted the pool's pool hits as counted by its meter, which every hit passes through after this
     *                    history's {@link #hit}: a bucket's hits are then the meter's count between its start and the
     *                    next bucket's, and a hit costs this history no write at all. {@code null}: counted here.
     */
    public PoolHistory(String resource, String tenant, HistoryClock clock, Supplier<PoolSnapshot> snapshot,
                       AnomalyListener listener, java.util.function.LongSupplier hitsCounted) {
        this.hitsCounted = hitsCounted;
        this.resource = resource;
        this.tenant = tenant;
        this.clock = clock;
        this.snapshot = snapshot;
        this.listener = listener;
    }

    public HistoryClock clock() {
        return clock;
    }

    public String tenant() {
        return tenant;
    }

    /** An acquisition ended at {@code now} within one tick of the hit clock: counted as 0 ms. */
    public void hit(long now) {
        Live b = live;
        if (b == null || now >= b.end) {
            b = roll(now);
        }
        if (hitsCounted == null) {
            b.hits.increment();
        }
        if (now - b.lastSample >= SAMPLE_NANOS) {
            sample(b, now);
        }
    }

    /** An acquisition ended at {@code now} after {@code nanos}. */
    public void waited(long now, long nanos) {
        Live b = current(now);
        b.bins.incrementAndGet(LatencyBins.of(nanos));
        sample(b, now);
    }

    /** An acquisition failed at {@code now} after {@code nanos} with {@code error}. */
    public void failed(long now, long nanos, Throwable error) {
        Live b = current(now);
        b.bins.incrementAndGet(LatencyBins.of(nanos));
        b.error(error.getClass().getSimpleName());
        sample(b, now);
    }

    private Live current(long now) {
        Live b = live;
        return b == null || now >= b.end ? roll(now) : b;
    }

    private void sample(Live b, long now) {
        b.lastSample = now;
        PoolSnapshot s = snapshot.get();
        if (s == null) {
            return;
        }
        int permille = s.maxSize() == 0 ? 0 : (int) Math.min(1000, (long) s.active() * 1000 / s.maxSize());
        Live.max(Live.UTIL, b, permille);
        Live.max(Live.WAITERS, b, Math.min(Short.MAX_VALUE, s.pending()));
    }

    /** The bucket of {@code now}, made when the one being filled ended; the ended one compacted into the ring. */
    private Live roll(long now) {
        int n = clock.bucketOf(now);
        for (;;) {
            Live cur = live;
            if (cur != null && n <= cur.number) {
                return cur; // another thread rolled first, or a reading from before this bucket's start
            }
            Live next = new Live(n, clock.endOf(n));
            if (hitsCounted != null) {
                next.hitsAtStart = hitsCounted.getAsLong();
            }
            if (LIVE.compareAndSet(this, cur, next)) {
                if (cur != null) {
                    cur.hitsAtEnd = next.hitsAtStart;
                    compact(cur);
                }
                return next;
            }
        }
    }

    /**
     * Closes the bucket being filled if it ended before now, so a quiet pool's last bucket is judged when its history
     * is read (a health check, a dashboard) rather than at its next acquisition.
     */
    void closeEnded(long now) {
        Live b = live;
        if (b != null && now >= b.end) {
            roll(now);
        }
    }

    private void compact(Live ended) {
        compacting.lock(); // once a bucket per pool; never held by an acquisition that does not close a bucket
        try {
            Ring r = ring;
            if (r == null) {
                r = new Ring();
                ring = r;
            }
            int slot = Math.floorMod(ended.number, HistoryClock.BUCKETS);
            long[] bins = ended.bins();
            long hits = hitsOf(ended);
            long n = hits;
            for (long c : bins) {
                n += c;
            }
            Map<String, Long> errors = ended.errors();
            r.numbers[slot] = ended.number + 1; // 0 = never written
            r.acquisitions[slot] = (int) Math.min(Integer.MAX_VALUE, n);
            r.p50[slot] = (float) LatencyBins.quantileMillis(0.5, hits, bins);
            r.p99[slot] = (float) LatencyBins.quantileMillis(0.99, hits, bins);
            r.utilization[slot] = (short) ended.utilization;
            r.waiters[slot] = (short) ended.waiters;
            if (!errors.isEmpty() && r.errors == null) {
                r.errors = new Map[HistoryClock.BUCKETS];
            }
            if (r.errors != null) {
                r.errors[slot] = errors.isEmpty() ? null : errors;
            }
            judge(r, ended.number, n, r.p99[slot], errors);
        } finally {
            compacting.unlock();
        }
    }

    private void judge(Ring r, int number, long acquisitions, double p99, Map<String, Long> errors) {
        if (acquisitions < Baseline.MIN_ACQUISITIONS || number <= r.judged) {
            return;
        }
        r.judged = number;
        long failed = 0;
        for (long e : errors.values()) {
            failed += e;
        }
        Instant at = clock.startOf(number);
        r.p99Anomaly = judge(r.p99Baseline, P99, p99, r.p99Anomaly, at,
                "acquisition p99 %.1f ms against a baseline of %.1f ms");
        r.errorAnomaly = judge(r.errorBaseline, ERROR_RATE, (double) failed / acquisitions, r.errorAnomaly, at,
                "error rate %.3f against a baseline of %.3f");
    }

    private Anomaly judge(Baseline baseline, String signal, double value, Anomaly current, Instant at, String format) {
        double mean = baseline.mean();
        switch (baseline.observe(value)) {
            case FLAGGED -> {
                String who = tenant == null ? "Resource '" + resource + "'" : "Tenant '" + tenant + "' of resource '"
                        + resource + "'";
                Anomaly a = new Anomaly(resource, tenant, signal, mean, value, who + ": " + String.format(java.util.Locale.ROOT,
                        format, value, mean) + " since " + at, at);
                listener.flagged(a);
                return a;
            }
            case CLEARED -> {
                listener.cleared(current);
                return null;
            }
            default -> {
                return current;
            }
        }
    }

    /** How many signals are flagged now, as last judged (no bucket is closed for it): what a gauge reads. */
    public int flagged() {
        Ring r = ring;
        return r == null ? 0 : (r.p99Baseline.flagged() ? 1 : 0) + (r.errorBaseline.flagged() ? 1 : 0);
    }

    /** The anomalies flagged now: none, or one per signal that departs. */
    public List<Anomaly> anomalies() {
        closeEnded(clock.nanoTime());
        Ring r = ring;
        if (r == null) {
            return List.of();
        }
        compacting.lock();
        try {
            List<Anomaly> now = new ArrayList<>(2);
            if (r.p99Anomaly != null) {
                now.add(r.p99Anomaly);
            }
            if (r.errorAnomaly != null) {
                now.add(r.errorAnomaly);
            }
            return now;
        } finally {
            compacting.unlock();
        }
    }

    /** The last hour, oldest bucket first, the one being filled last. */
    public ResourceHistory history() {
        long now = clock.nanoTime();
        closeEnded(now);
        return new ResourceHistory(resource, tenant, clock.bucketLength(), buckets(clock.bucketOf(now)));
    }

    /** The {@value HistoryClock#BUCKETS} buckets ending with bucket {@code last}. */
    List<HistoryBucket> buckets(int last) {
        List<HistoryBucket> out = new ArrayList<>(HistoryClock.BUCKETS);
        Ring r = ring;
        Live b = live;
        for (int n = last - HistoryClock.BUCKETS + 1; n <= last; n++) {
            out.add(bucket(n, r, b));
        }
        return out;
    }

    private HistoryBucket bucket(int n, Ring r, Live b) {
        if (b != null && b.number == n) {
            long[] bins = b.bins();
            long hits = hitsOf(b);
            long count = hits;
            for (long c : bins) {
                count += c;
            }
            return new HistoryBucket(clock.startOf(n), count, b.errors(), LatencyBins.quantileMillis(0.5, hits, bins),
                    LatencyBins.quantileMillis(0.99, hits, bins), b.utilization / 1000.0, b.waiters);
        }
        int slot = Math.floorMod(n, HistoryClock.BUCKETS);
        if (r == null || r.numbers[slot] != n + 1) {
            return new HistoryBucket(clock.startOf(n), 0, Map.of(), 0, 0, 0, 0);
        }
        Map<String, Long> errors = r.errors == null || r.errors[slot] == null ? Map.of() : r.errors[slot];
        return new HistoryBucket(clock.startOf(n), r.acquisitions[slot], errors, r.p50[slot], r.p99[slot],
                r.utilization[slot] / 1000.0, r.waiters[slot]);
    }

    /**
     * The history of several pools of one resource together (a tenant-scoped resource's tenants): counts, errors and
     * waiters added; p50, p99 and utilization the highest of the pools' (the percentiles of the union are not kept:
     * the highest is an upper bound of the union's p99).
     */
    public static ResourceHistory together(String resource, HistoryClock clock, List<PoolHistory> pools) {
        long now = clock.nanoTime();
        int last = clock.bucketOf(now);
        List<HistoryBucket> sum = null;
        for (PoolHistory p : pools) {
            p.closeEnded(now);
            List<HistoryBucket> own = p.buckets(last);
            if (sum == null) {
                sum = own;
                continue;
            }
            for (int i = 0; i < own.size(); i++) {
                HistoryBucket a = sum.get(i);
                HistoryBucket b = own.get(i);
                Map<String, Long> errors = new HashMap<>(a.errors());
                b.errors().forEach((k, v) -> errors.merge(k, v, Long::sum));
                sum.set(i, new HistoryBucket(a.start(), a.acquisitions() + b.acquisitions(), errors,
                        Math.max(a.p50Millis(), b.p50Millis()), Math.max(a.p99Millis(), b.p99Millis()),
                        Math.max(a.utilization(), b.utilization()), a.waiters() + b.waiters()));
            }
        }
        if (sum == null) {
            sum = empty(clock, last);
        }
        return new ResourceHistory(resource, null, clock.bucketLength(), sum);
    }

    /** An hour of empty buckets ending now: the history of a pool not seen, or of a resource that keeps none. */
    public static List<HistoryBucket> empty(HistoryClock clock, int last) {
        List<HistoryBucket> out = new ArrayList<>(HistoryClock.BUCKETS);
        for (int n = last - HistoryClock.BUCKETS + 1; n <= last; n++) {
            out.add(new HistoryBucket(clock.startOf(n), 0, Map.of(), 0, 0, 0, 0));
        }
        return out;
    }

    /** An hour of empty buckets ending now. */
    public static ResourceHistory empty(String resource, String tenant, HistoryClock clock) {
        return new ResourceHistory(resource, tenant, clock.bucketLength(), empty(clock, clock.bucketOf(clock.nanoTime())));
    }

    /** {@code b}'s pool hits: its own count, or the meter's between its start and its end (or now). */
    private long hitsOf(Live b) {
        if (hitsCounted == null) {
            return b.hits.sum();
        }
        long end = b.hitsAtEnd >= 0 ? b.hitsAtEnd : hitsCounted.getAsLong();
        return Math.max(0, end - b.hitsAtStart);
    }

    /** The bucket being filled: written by acquisitions without locks. */
    private static final class Live {
        static final VarHandle UTIL;
        static final VarHandle WAITERS;
        static final VarHandle ERRORS;

        final int number;
        final long end;
        final LongAdder hits = new LongAdder(); // unused when the meter counts the hits
        long hitsAtStart; // the meter's hits when this bucket was made; written before it is published
        volatile long hitsAtEnd = -1; // the meter's hits when the next bucket was made; -1 while this one fills
        final AtomicLongArray bins = new AtomicLongArray(LatencyBins.COUNT);
        volatile ConcurrentHashMap<String, LongAdder> errors;
        volatile long lastSample = Long.MIN_VALUE / 2;
        volatile int utilization; // thousandths
        volatile int waiters;

        Live(int number, long end) {
            this.number = number;
            this.end = end;
        }

        long[] bins() {
            long[] out = new long[LatencyBins.COUNT];
            for (int i = 0; i < out.length; i++) {
                out[i] = bins.get(i);
            }
            return out;
        }

        void error(String type) {
            ConcurrentHashMap<String, LongAdder> e = errors;
            if (e == null) { // a bucket's first failure: racing threads may each make one, the first published wins
                ConcurrentHashMap<String, LongAdder> made = new ConcurrentHashMap<>(4);
                e = ERRORS.compareAndSet(this, null, made) ? made : errors;
            }
            LongAdder count = e.get(type);
            if (count == null) {
                count = e.computeIfAbsent(type, t -> new LongAdder());
            }
            count.increment();
        }

        Map<String, Long> errors() {
            ConcurrentHashMap<String, LongAdder> e = errors;
            if (e == null) {
                return Map.of();
            }
            Map<String, Long> out = new HashMap<>();
            e.forEach((k, v) -> out.put(k, v.sum()));
            return Map.copyOf(out);
        }

        static void max(VarHandle field, Live b, int value) {
            int seen = (int) field.getVolatile(b);
            while (value > seen && !field.compareAndSet(b, seen, value)) {
                seen = (int) field.getVolatile(b);
            }
        }

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                UTIL = l.findVarHandle(Live.class, "utilization", int.class);
                WAITERS = l.findVarHandle(Live.class, "waiters", int.class);
                ERRORS = l.findVarHandle(Live.class, "errors", ConcurrentHashMap.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** The completed buckets, compacted, and the anomaly state: made when the pool's first bucket closes. */
    private static final class Ring {
        final int[] numbers = new int[HistoryClock.BUCKETS]; // bucket number + 1; 0 = empty
        final int[] acquisitions = new int[HistoryClock.BUCKETS];
        final float[] p50 = new float[HistoryClock.BUCKETS];
        final float[] p99 = new float[HistoryClock.BUCKETS];
        final short[] utilization = new short[HistoryClock.BUCKETS];
        final short[] waiters = new short[HistoryClock.BUCKETS];
        Map<String, Long>[] errors; // made on the first bucket with errors
        final Baseline p99Baseline = new Baseline(P99_FLOOR_MILLIS);
        final Baseline errorBaseline = new Baseline(ERROR_RATE_FLOOR);
        int judged = Integer.MIN_VALUE;
        Anomaly p99Anomaly;
        Anomaly errorAnomaly;
    }

    private static final VarHandle LIVE;

    static {
        try {
            LIVE = MethodHandles.lookup().findVarHandle(PoolHistory.class, "live", Live.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
