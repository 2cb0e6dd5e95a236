package io.nebula.resource.core.cluster;

/**
 * One "rotated" message of the cluster's signals (#13 point 4, docs/cluster.md): {@code node} saw the credentials of
 * {@code resource} change (its credential watch, a creation, or an operator's credential refresh), so every other
 * node re-reads its own credential source at once. It carries no credential and nothing derived from one: the
 * generation is the time of the rotation on the announcing node, in milliseconds since the epoch, which is enough to
 * tell two announcements apart in the logs.
 */
public record RotationSignal(String resource, String node, long generation) {
}
