package io.nebula.resource.event;

import io.nebula.resource.history.Anomaly;

import java.util.Objects;

/**
 * A resource's behaviour departed from its baseline ({@code cleared} false), or returned to it ({@code cleared}
 * true, with the anomaly that ends).
 */
public record ResourceAnomalyEvent(Anomaly anomaly, boolean cleared) {

    public ResourceAnomalyEvent {
        Objects.requireNonNull(anomaly, "anomaly");
    }
}
