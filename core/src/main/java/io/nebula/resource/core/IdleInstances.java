package io.nebula.resource.core;

import io.nebula.resource.InstanceState;
import io.nebula.resource.PoolStrategy;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The idle instances of a pool, in the order the strategy hands them out. Lock-free:
 * <ul>
 * <li>LIFO (and LRU, adaptive): a {@link Bag} — each thread first tries the instance it had last,
 *     then the pool's slots in creation order. No structure is written on a release: the slot's state is
 *     its membership. The instance a thread just used is hot in its caches and in the backend's, and the
 *     scan's fixed order keeps the same few instances busy, so surplus ones sit idle and age out.</li>
 * <li>FIFO: a {@link ConcurrentLinkedDeque} used as a queue, so use is spread evenly.</li>
 * <li>Weighted round robin: one stack per endpoint, picked by a smooth weighted schedule.</li>
 * </ul>
 *
 * <p>What {@link #poll()} returns is a hint, not a claim: the taker must still win the slot's CAS out of
 * {@code IDLE}. A hint whose slot was meanwhile taken by another thread, keep-alive or eviction is
 * simply dropped and the taker polls again.
 */
abstract class IdleInstances<R> {

    /** The next idle slot to try, or {@code null}. */
    abstract Slot<R> poll();

    abstract void push(Slot<R> slot);

    /** Removes the entry of a slot that housekeeping took out of {@code IDLE}. */
    abstract void remove(Slot<R> slot);

    static <R> IdleInstances<R> of(PoolStrategy strategy, List<Endpoint> endpoints, List<Slot<R>> slots) {
        return switch (strategy) {
            case FIFO -> new Queue<>();
            case WEIGHTED_ROUND_ROBIN -> new Weighted<>(endpoints);
            case LIFO, LRU, ADAPTIVE -> new Bag<>(slots);
        };
    }

    /**
     * Idle slots found where they are, HikariCP's {@code ConcurrentBag} idea without its hand-off queue:
     * the slot the calling thread returned last, if still idle (a thread-local read and one CAS on a slot no
     * other thread is likely to touch), else the first {@code IDLE} slot of the pool in creation order.
     * A release records its slot in the releasing thread's hint and writes nothing shared; removing is a
     * no-op, since a slot is idle exactly when its state says so. The thread-local costs each thread that
     * returned an instance one map entry, dropped when the pool is collected; a pool of one instance (most
     * tenant pools) does without it, since its scan is one slot long: ten thousand of those would otherwise
     * fill every thread's thread-local map and turn each lookup into a cache miss.
     */
    static final class Bag<R> extends IdleInstances<R> {
        private final List<Slot<R>> slots;
        private final ThreadLocal<Slot<R>> returnedLast = new ThreadLocal<>();

        Bag(List<Slot<R>> slots) {
            this.slots = slots;
        }

        @Override
        Slot<R> poll() {
            if (slots.size() > 1) {
                Slot<R> mine = returnedLast.get();
                if (mine != null && mine.state() == InstanceState.IDLE) {
                    return mine;
                }
            }
            for (Slot<R> s : slots) {
                if (s.state() == InstanceState.IDLE) {
                    return s;
                }
            }
            return null;
        }

        @Override
        void push(Slot<R> slot) {
            // Its state, IDLE, is what makes it found; the hint only says who should look at it first.
            if (slots.size() > 1 && returnedLast.get() != slot) {
                returnedLast.set(slot);
            }
        }

        @Override
        void remove(Slot<R> slot) {
            // nothing holds it but the pool's list of slots
        }
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
