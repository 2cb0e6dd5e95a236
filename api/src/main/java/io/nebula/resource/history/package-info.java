/**
 * What a resource did over the last hour, and whether it departs from its own recent behaviour: a bounded in-memory
 * {@link io.nebula.resource.history.ResourceHistory} of fixed-length buckets per resource and per tenant pool, and
 * the {@link io.nebula.resource.history.Anomaly} flagged when its acquisition time or error rate leaves its baseline.
 */
package io.nebula.resource.history;
