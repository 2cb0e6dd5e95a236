package io.nebula.resource.history;

import java.time.Instant;
import java.util.Objects;

/**
 * A resource whose behaviour departs from its own recent baseline (the rule is in docs/operations.md).
 *
 * @param resource the resource
 * @param tenant   the tenant whose pool departs, {@code null} for the resource as a whole
 * @param signal   what departs: {@code acquisition-p99} or {@code error-rate}
 * @param baseline the signal's baseline when it was flagged (milliseconds, or a share between 0 and 1)
 * @param observed the value that departed from it
 * @param reason   a sentence for operators: what, by how much, since when
 * @param since    when it was first flagged
 */
public record Anomaly(String resource, String tenant, String signal, double baseline, double observed, String reason,
                      Instant since) {

    public Anomaly {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
    }
}
