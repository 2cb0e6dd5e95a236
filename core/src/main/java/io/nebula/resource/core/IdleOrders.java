package io.nebula.resource.core;

import io.nebula.resource.InstanceState;
import io.nebula.resource.spi.IdleInstances;
import io.nebula.resource.spi.PoolStrategy;
import io.nebula.resource.spi.PooledInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link IdleInstances} of the built-in strategies ({@link BuiltInStrategy}). Lock-free:
 * <ul>
 * <li>LIFO (and LRU, adaptive): a {@link Bag} — each thread first tries the instance it had last,
 *     then the pool's slots in creation order. No structure is written on a release: the slot's state is
 *     its membership. The instance a thread just used is hot in its caches and in the backend's, and the
 *     scan's fixed order keeps the same few instances busy, so surplus ones sit idle and age out.</li>
 * <li>FIFO: a {@link ConcurrentLinkedDeque} used as a queue, so use is spread evenly.</li>
 * <li>Weighted round robin: one stack per endpoint, picked by a smooth weighted schedule.</li>
 * </ul>
 *
 * <p>They are written against {@link PooledInstance}, as an application's strategy is; the engine's slots are
 * the only implementation, so the calls inline as if they were on the slot.
 */
final class IdleOrders {

    private IdleOrders() {
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
    static final class Bag<I extends PooledInstance> implements IdleInstances<I> {
        private final List<I> slots;
        private final ThreadLocal<I> returnedLast = new ThreadLocal<>();

        Bag(List<I> slots) {
            this.slots = slots;
        }

        @Override
        public I next() {
            if (slots.size() > 1) {
                I mine = returnedLast.get();
                if (mine != null && mine.state() == InstanceState.IDLE) {
                    return mine;
                }
            }
            for (I s : slots) {
                if (s.state() == InstanceState.IDLE) {
                    return s;
                }
            }
            return null;
        }

        @Override
        public void returned(I slot) {
            // Its state, IDLE, is what makes it found; the hint only says who should look at it first.
            if (slots.size() > 1 && returnedLast.get() != slot) {
                returnedLast.set(slot);
            }
        }

        @Override
        public void removed(I slot) {
            // nothing holds it but the pool's list of slots
        }
    }

    static final class Stack<I extends PooledInstance> implements IdleInstances<I> {
        private final ConcurrentLinkedDeque<I> deque = new ConcurrentLinkedDeque<>();

        @Override
        public I next() {
            return deque.pollFirst();
        }

        @Override
        public void returned(I slot) {
            deque.offerFirst(slot);
        }

        @Override
        public void removed(I slot) {
            deque.removeFirstOccurrence(slot);
        }
    }

    static final class Queue<I extends PooledInstance> implements IdleInstances<I> {
        private final ConcurrentLinkedDeque<I> deque = new ConcurrentLinkedDeque<>();

        @Override
        public I next() {
            return deque.pollFirst();
        }

        @Override
        public void returned(I slot) {
            deque.offerLast(slot);
        }

        @Override
        public void removed(I slot) {
            deque.removeFirstOccurrence(slot);
        }
    }

    /**
     * One stack per endpoint. A shared cursor walks a precomputed smooth weighted round-robin schedule
     * (weights 3:1 give {@code A A B A}, not {@code A A A B}); when the scheduled endpoint has no idle
     * instance, the next endpoints in the schedule are tried, so an idle instance is never ignored.
     */
    static final class Weighted<I extends PooledInstance> implements IdleInstances<I> {
        private final Stack<I>[] perEndpoint;
        private final int[] schedule;
        private final AtomicLong cursor = new AtomicLong();

        @SuppressWarnings({"unchecked", "rawtypes"})
        Weighted(PoolStrategy.Pool pool) {
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < pool.endpoints().size(); i++) {
                endpoints.add(new Endpoint(pool.endpoints().get(i), pool.weight(i)));
            }
            perEndpoint = new Stack[Math.max(1, endpoints.size())];
            for (int i = 0; i < perEndpoint.length; i++) {
                perEndpoint[i] = new Stack<>();
            }
            schedule = WeightedSchedule.smooth(endpoints);
        }

        @Override
        public I next() {
            int start = (int) Math.floorMod(cursor.getAndIncrement(), (long) schedule.length);
            for (int i = 0; i < schedule.length; i++) {
                I s = perEndpoint[schedule[(start + i) % schedule.length]].next();
                if (s != null) {
                    return s;
                }
            }
            return null;
        }

        @Override
        public void returned(I slot) {
            perEndpoint[slot.endpoint()].returned(slot);
        }

        @Override
        public void removed(I slot) {
            perEndpoint[slot.endpoint()].removed(slot);
        }
    }
}
