package io.nebula.resource.cdi.integration.faulttolerance;

import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.faulttolerance.api.SpiAccess;

import java.util.function.Supplier;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * SmallRye Fault Tolerance as this library uses it: its programmatic API ({@link Guard}), implemented by
 * whichever SmallRye FT the application has. SmallRye FT's CDI implementation wins where it is installed and a
 * container is running (it has the higher priority); otherwise the standalone implementation this library
 * depends on serves (on Open Liberty, whose own MP Fault Tolerance is not SmallRye's).
 *
 * <p>Two things the standalone implementation needs from its host:
 * <ul>
 *   <li>It finds its implementation once, through the thread context class loader, and keeps what it found
 *       for good. On an application server the thread that first builds a guard may have a context loader that
 *       cannot see this library's jars, and every later guard would fail with
 *       {@code NoClassDefFoundError ... SpiAccess$Holder}: guards are therefore built with this library's own
 *       class loader as context loader.</li>
 *   <li>It starts a timer thread and a thread pool: {@link #shutdown()} ends them when the application stops
 *       (see there for when it does).</li>
 * </ul>
 * Standalone SmallRye FT does not read MicroProfile Config: every setting is passed in code, from
 * {@link ResiliencePolicy}.
 */
public final class FaultToleranceLibrary {

    private static final System.Logger LOG = System.getLogger(FaultToleranceLibrary.class.getName());
    private static final ClassLoader LIBRARY = Guard.class.getClassLoader();
    private static volatile boolean used;

    private FaultToleranceLibrary() {
    }

    /** A new guard builder, made with the library's class loader as context loader (see the class comment). */
    public static Guard.Builder guard() {
        if (!used) {
            firstUse();
        }
        try {
            return withLibraryLoader(Guard::create);
        } catch (RuntimeException e) {
            // typically SmallRye FT's CDI implementation on the class path while its CDI extension is not enabled
            // (a container started without discovery): it wins by priority and then finds none of its beans
            throw new IllegalStateException("NEBULA-3013 SmallRye Fault Tolerance (" + implementationOrError()
                    + ") cannot build the resources' guards. If io.smallrye:smallrye-fault-tolerance is on the class path, "
                    + "enable its CDI extension (io.smallrye.faulttolerance.FaultToleranceExtension) or remove it, so the "
                    + "standalone implementation serves", e);
        }
    }

    /**
     * On the JVM's class path (Weld SE), gives the standalone implementation daemon threads, before anything
     * made it start its own: its default thread pool would keep the JVM alive after the application's main
     * method returned. Someone who configured it already keeps their configuration.
     */
    private static synchronized void firstUse() {
        if (used) {
            return;
        }
        used = true;
        if (LIBRARY == ClassLoader.getSystemClassLoader() && standaloneInUse()) {
            try {
                StandaloneLifecycle.useDaemonThreads();
            } catch (IllegalStateException e) {
                LOG.log(DEBUG, "NEBULA-3012 SmallRye Fault Tolerance (standalone) was configured by the application; "
                        + "its configuration is kept");
            }
        }
    }

    static <T> T withLibraryLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (previous == LIBRARY) {
            return action.get();
        }
        thread.setContextClassLoader(LIBRARY);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static String implementationOrError() {
        try {
            return implementation();
        } catch (RuntimeException | LinkageError e) {
            return "implementation unavailable: " + e.getClass().getName();
        }
    }

    /** The implementation in use, for messages: SmallRye FT's CDI one or the standalone one. */
    public static String implementation() {
        return withLibraryLoader(() -> SpiAccess.get().getClass().getName());
    }

    /**
     * Stops the standalone implementation's threads when this application stops, if that implementation is the
     * one in use and it belongs to this application: loaded by an application's own class loader (a WAR on an
     * application server), which goes away with it. On the JVM's class path (Weld SE) the threads belong to the
     * JVM, which may start another container later: stopping them would break every guard of that container,
     * since the standalone implementation cannot be started twice.
     */
    public static void shutdown() {
        if (!used || LIBRARY == ClassLoader.getSystemClassLoader() || !standaloneInUse()) {
            return;
        }
        try {
            StandaloneLifecycle.shutdown();
            LOG.log(DEBUG, "NEBULA-3010 SmallRye Fault Tolerance (standalone) stopped with the application");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(WARNING, "NEBULA-3011 SmallRye Fault Tolerance (standalone) could not be stopped", e);
        }
    }

    private static boolean standaloneInUse() {
        try {
            return withLibraryLoader(() -> SpiAccess.get().getClass().getName())
                    .startsWith("io.smallrye.faulttolerance.standalone.");
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Touches the standalone classes only when they are the implementation in use. */
    private static final class StandaloneLifecycle {
        static void shutdown() throws InterruptedException {
            io.smallrye.faulttolerance.standalone.StandaloneFaultTolerance.shutdown();
        }

        static void useDaemonThreads() {
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "nebula-fault-tolerance-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            io.smallrye.faulttolerance.standalone.StandaloneFaultTolerance.configure(
                    new io.smallrye.faulttolerance.standalone.Configuration() {
                        @Override
                        public java.util.concurrent.ExecutorService executor() {
                            return executor;
                        }

                        @Override
                        public void onShutdown() throws InterruptedException {
                            executor.shutdownNow();
                        }
                    });
        }
    }
}
