package io.nebula.resource.core;

import io.nebula.resource.PoolStrategy;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The idle instances of a pool, in the order the strategy hands them out. Lock-free: a
 * {@link ConcurrentLinkedDeque} used as a stack (LIFO: the most recently returned instance is hot in
 * the backend's caches) or as a queue (FIFO: use is spread evenly), or one stack per endpoint picked by
 * weighted round robin.
 *
 * <p>An entry is a hint, not a claim: the taker must still win the slot's CAS out of {@code IDLE}.
 * An entry whose slot was meanwhile taken by keep-alive or eviction is stale and simply dropped.
 */
abstract class IdleInstances<R> {

    /** The next idle slot to try, or {@code null}. */
    abstract Slot<R> poll();

    abstract void push(Slot<R> slot);

    /** Removes the entry of a slot that housekeeping took out of {@code IDLE}. */
    abstract void remove(Slot<R> slot);

    static <R> IdleInstances<R> of(PoolStrategy strategy, List<Endpoint> endpoints) {
        return switch (strategy) {
            case FIFO -> new Queue<>();
            case WEIGHTED_ROUND_ROBIN -> new Weighted<>(endpoints);
            case LIFO, LRU, ADAPTIVE -> new Stack<>();
        };
    }

    static final class Stack<R> extends IdleInstances<R> {
        private final ConcurrentLinkedDeque<Slot<R>> deque = new ConcurrentLinkedDeque<>();

        @Override
        Slot<R> poll() {
            return deque.pollFirst();
        }

        @Override
        void push(Slot<R> slot) {
            deque.offerFirst(slot);
        }

        @Override
        void remove(Slot<R> slot) {
            deque.removeFirstOccurrence(slot);
        }
    }

    static final class Queue<R> extends IdleInstances<R> {
        private final ConcurrentLinkedDeque<Slot<R>> deque = new ConcurrentLinkedDeque<>();

        @Override
        Slot<R> poll() {
            return deque.pollFirst();
        }

        @Override
        void push(Slot<R> slot) {
            deque.offerLast(slot);
        }

        @Override
        void remove(Slot<R> slot) {
            deque.removeFirstOccurrence(slot);
        }
    }

    /**
     * One stack per endpoint. A shared cursor walks a precomputed smooth weighted round-robin schedule
     * (weights 3:1 give {@code A A B A}, not {@code A A A B}); when the scheduled endpoint has no idle
     * instance, the next endpoints in the schedule are tried, so an idle instance is never ignored.
     */
    static final class Weighted<R> extends IdleInstances<R> {
        private final Stack<R>[] perEndpoint;
        private final int[] schedule;
        private final AtomicLong cursor = new AtomicLong();

        @SuppressWarnings({"unchecked", "rawtypes"})
        Weighted(List<Endpoint> endpoints) {
            perEndpoint = new Stack[endpoints.size()];
            for (int i = 0; i < perEndpoint.length; i++) {
                perEndpoint[i] = new Stack<>();
            }
            schedule = WeightedSchedule.smooth(endpoints);
        }

        @Override
        Slot<R> poll() {
            int start = (int) Math.floorMod(cursor.getAndIncrement(), (long) schedule.length);
            for (int i = 0; i < schedule.length; i++) {
                Slot<R> s = perEndpoint[schedule[(start + i) % schedule.length]].poll();
                if (s != null) {
                    return s;
                }
            }
            return null;
        }

        @Override
        void push(Slot<R> slot) {
            perEndpoint[slot.endpoint].push(slot);
        }

        @Override
        void remove(Slot<R> slot) {
            perEndpoint[slot.endpoint].remove(slot);
        }
    }
}
