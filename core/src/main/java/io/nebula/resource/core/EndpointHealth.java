package io.nebula.resource.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The health of each endpoint of a resource that declares several ({@code pool.endpoints}): UP or DOWN, since
 * when, and the error that took it down. A DOWN endpoint gets no new instance and no lease; its instances are
 * retired (idle ones at once, leased ones as they come back) and the others serve. One probe at a time per DOWN
 * endpoint — a creation against it, after a backoff as the pool's own {@link Recovery} waits, and at most a
 * second apart since the endpoint is capacity the resource wants back — brings it back UP.
 *
 * <p>Only when every endpoint is DOWN is the backend as a whole failing: the pool's {@code Recovery} then fails
 * acquisitions at once, as for a resource without endpoints, and the endpoint probes bring it back.
 *
 * <p>The hit path reads one array element ({@link #down(int)}); everything else happens on a failure or a probe.
 */
final class EndpointHealth {

    /** Why and since when an endpoint is DOWN; {@code null} in {@link #down} for an UP one. */
    record Down(long since, Throwable error) {
    }

    private final List<Endpoint> endpoints;
    private final Ticker ticker;
    private final AtomicReferenceArray<Down> down;
    /** When each endpoint last came UP (or the pool was built). */
    private final long[] upSince;
    private final Recovery[] probes;

    EndpointHealth(List<Endpoint> endpoints, Ticker ticker, long backoffInitialNanos, long backoffMaxNanos) {
        this.endpoints = List.copyOf(endpoints);
        this.ticker = ticker;
        this.down = new AtomicReferenceArray<>(endpoints.size());
        this.upSince = new long[endpoints.size()];
        this.probes = new Recovery[endpoints.size()];
        long now = ticker.nanoTime();
        for (int i = 0; i < probes.length; i++) {
            upSince[i] = now;
            probes[i] = new Recovery(backoffInitialNanos, backoffMaxNanos);
        }
    }

    /** Health for a pool's endpoints; {@code null} without endpoints, so the hit path's test is a null check. */
    static EndpointHealth of(List<Endpoint> endpoints, Ticker ticker, PoolConfig config) {
        return endpoints.isEmpty() ? null
                : new EndpointHealth(endpoints, ticker, config.backoffInitial().toNanos(), config.backoffMax().toNanos());
    }

    int size() {
        return probes.length;
    }

    String name(int endpoint) {
        return endpoints.get(endpoint).name();
    }

    boolean down(int endpoint) {
        return down.get(endpoint) != null;
    }

    boolean anyUp() {
        for (int i = 0; i < probes.length; i++) {
            if (down.get(i) == null) {
                return true;
            }
        }
        return false;
    }

    boolean allUp() {
        for (int i = 0; i < probes.length; i++) {
            if (down.get(i) != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Records a failure seen on an endpoint (a creation, a check, or its instance's own news).
     *
     * @return the backoff before its next probe when this failure took the endpoint DOWN, or -1 when it was DOWN
     *         already (its probe failed, or another instance said the same)
     */
    long failed(int endpoint, Throwable error, boolean retryable) {
        long now = ticker.nanoTime();
        Down was = down.get(endpoint);
        long backoff = probes[endpoint].onFailure(error, retryable, now);
        probes[endpoint].demanded(); // capacity the resource wants back: probe within a second
        if (was == null && down.compareAndSet(endpoint, null, new Down(now, error))) {
            return backoff;
        }
        Down d = down.get(endpoint);
        if (d != null) {
            down.compareAndSet(endpoint, d, new Down(d.since(), error)); // the latest error; still DOWN since then
        }
        return -1;
    }

    /** A creation against the endpoint succeeded. @return whether it was DOWN until now */
    boolean succeeded(int endpoint) {
        probes[endpoint].onSuccess();
        Down d = down.get(endpoint);
        if (d != null && down.compareAndSet(endpoint, d, null)) {
            upSince[endpoint] = ticker.nanoTime();
            return true;
        }
        return false;
    }

    /** Whether the caller may probe this DOWN endpoint now: its backoff passed and no other probe of it runs. */
    boolean tryBeginProbe(int endpoint, long now) {
        return down(endpoint) && probes[endpoint].tryBeginProbe(now);
    }

    /** A probe that could not be started, or ended without an outcome. */
    void endProbe(int endpoint) {
        probes[endpoint].abandonProbe();
    }

    /** Nanoseconds until the soonest probe of a DOWN endpoint is due; {@code Long.MAX_VALUE} when none is DOWN. */
    long nanosUntilNextProbe(long now) {
        long soonest = Long.MAX_VALUE;
        for (int i = 0; i < probes.length; i++) {
            if (down(i)) {
                soonest = Math.min(soonest, probes[i].nanosUntilNextAttempt(now));
            }
        }
        return soonest;
    }

    /** The latest error of the first DOWN endpoint, for the message of an acquisition that found none UP. */
    Throwable lastError() {
        for (int i = 0; i < probes.length; i++) {
            if (down(i)) {
                return probes[i].lastError();
            }
        }
        return null;
    }

    /**
     * The UP endpoint to use instead of {@code preferred}: itself when UP, else the next UP one in {@code schedule}
     * after position {@code at}; -1 when every endpoint is DOWN.
     */
    int upFrom(int preferred, int[] schedule, int at) {
        if (down.get(preferred) == null) {
            return preferred;
        }
        for (int i = 1; i < schedule.length; i++) {
            int e = schedule[(at + i) % schedule.length];
            if (down.get(e) == null) {
                return e;
            }
        }
        return -1;
    }

    /** Shifts probe times back when the clock went backwards. */
    void rebase(long delta) {
        for (Recovery r : probes) {
            r.rebase(delta);
        }
    }

    /** Each endpoint's status now, in declaration order. */
    List<EndpointStatus> statuses() {
        long now = ticker.nanoTime();
        List<EndpointStatus> result = new ArrayList<>(probes.length);
        for (int i = 0; i < probes.length; i++) {
            Down d = down.get(i);
            result.add(d == null
                    ? EndpointStatus.up(name(i), now - upSince[i])
                    : EndpointStatus.down(name(i), now - d.since(), d.error()));
        }
        return result;
    }
}
