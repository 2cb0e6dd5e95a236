package io.nebula.resource.benchmarks;

/**
 * How big a pool is for the number of threads that use it. JMH knows the thread count only at run
 * time ({@code -t}), so each state sizes its pool from it in its trial setup.
 */
public enum Contention {

    /** One instance per thread: a thread never waits for another's instance. */
    UNCONTENDED {
        @Override
        int poolSize(int threads) {
            return threads;
        }
    },

    /** Half as many instances as threads: acquisitions wait for returns and hand-offs are measured too. */
    CONTENDED {
        @Override
        int poolSize(int threads) {
            return Math.max(1, threads / 2);
        }
    };

    abstract int poolSize(int threads);
}
