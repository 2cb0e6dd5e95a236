package io.nebula.resource.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts a wave of virtual threads, one task each, and waits for all of them. The module compiles for
 * Java 17, so the virtual-thread executor (Java 21) is looked up at run time; on an older JVM this
 * fails with a message saying which JVM to use.
 */
final class VirtualThreadWave implements AutoCloseable {

    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    private final ExecutorService executor;

    VirtualThreadWave() {
        this.executor = newVirtualThreadPerTaskExecutor();
    }

    /** Runs {@code task} once on each of {@code threads} new virtual threads; rethrows the first failure. */
    void run(int threads, Task task) throws Exception {
        CountDownLatch done = new CountDownLatch(threads);
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (int i = 0; i < threads; i++) {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(done.getCount() + " of " + threads + " virtual threads still running after 5 minutes");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException("virtual threads still running one minute after shutdown");
        }
    }

    private static ExecutorService newVirtualThreadPerTaskExecutor() {
        try {
            MethodHandle factory = MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
                    "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class));
            return (ExecutorService) factory.invoke();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("virtual threads need Java 21 or later; this is Java "
                    + Runtime.version() + ": run with /usr/lib/jvm/temurin-25-jdk-amd64/bin/java", e);
        } catch (Throwable e) {
            throw new IllegalStateException("could not create the virtual-thread executor", e);
        }
    }
}
