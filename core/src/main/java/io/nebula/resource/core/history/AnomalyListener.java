package io.nebula.resource.core.history;

import io.nebula.resource.history.Anomaly;

/**
 * Told when a pool's history flags an anomaly and when it clears. Called on the thread that closed the bucket (an
 * acquiring thread, or a reader of the history): be quick.
 */
public interface AnomalyListener {

    AnomalyListener NONE = new AnomalyListener() { };

    default void flagged(Anomaly anomaly) {
    }

    default void cleared(Anomaly anomaly) {
    }
}
