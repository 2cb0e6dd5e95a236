package io.nebula.resource.core.cluster;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The listeners of one node (one per telemetry backend), each told everything. An array read once per call: nothing
 * is allocated when no listener is added, and the hit path never comes here.
 */
final class ClusterListeners implements ClusterListener {

    private final CopyOnWriteArrayList<ClusterListener> all = new CopyOnWriteArrayList<>();

    void add(ClusterListener l) {
        all.addIfAbsent(l);
    }

    void remove(ClusterListener l) {
        all.remove(l);
    }

    @Override
    public void called(String operation, long nanos, boolean answered) {
        for (ClusterListener l : all) {
            l.called(operation, nanos, answered);
        }
    }

    @Override
    public void refused(String resource, String tenant, String limit) {
        for (ClusterListener l : all) {
            l.refused(resource, tenant, limit);
        }
    }

    @Override
    public void admittedAlone(String resource, String tenant) {
        for (ClusterListener l : all) {
            l.admittedAlone(resource, tenant);
        }
    }

    @Override
    public void gateRefused(String resource, String seenBy, String reason) {
        for (ClusterListener l : all) {
            l.gateRefused(resource, seenBy, reason);
        }
    }
}
