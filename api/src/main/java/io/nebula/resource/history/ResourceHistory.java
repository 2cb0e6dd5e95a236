package io.nebula.resource.history;

import java.time.Duration;
import java.util.List;

/**
 * The last hour of a resource (or of one tenant's pool of it), in buckets of {@link #bucketLength()}, oldest first;
 * the last bucket is the one still filling. Buckets in which nothing happened are present, with zero counts, so the
 * list is a time axis.
 */
public record ResourceHistory(String resource, String tenant, Duration bucketLength, List<HistoryBucket> buckets) {

    public ResourceHistory {
        buckets = List.copyOf(buckets);
    }
}
