package io.nebula.resource.core;

import java.time.Duration;

/**
 * The engine's logger and the helpers its messages share. Message ids of core are NEBULA-0001 to
 * NEBULA-0999: 00xx lifecycle, 01xx acquisition, 02xx creation and recovery, 03xx leaks,
 * 04xx housekeeping, 05xx listeners, 06xx drain, 07xx sizing and strategies, 08xx provider misbehaviour,
 * 09xx dependency graph.
 */
final class Log {

    static final System.Logger LOG = System.getLogger("io.nebula.resource.core");

    private Log() {
    }

    /** {@code 250 ms}, {@code 1.5 s}, {@code 2 min}: durations as an operator reads them. */
    static String human(long nanos) {
        if (nanos < 1_000_000L) {
            return nanos / 1000 + " µs";
        }
        if (nanos < 10_000_000_000L) {
            long ms = nanos / 1_000_000L;
            return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        Duration d = Duration.ofNanos(nanos);
        return d.toMinutes() < 2 ? d.toSeconds() + " s" : d.toMinutes() + " min";
    }

    /** An error as {@code Type: message}, without its stack: for messages; the error itself goes in as the cause. */
    static String describe(Throwable error) {
        if (error == null) {
            return "none";
        }
        String m = error.getMessage();
        return error.getClass().getName() + (m == null ? "" : ": " + m);
    }
}
