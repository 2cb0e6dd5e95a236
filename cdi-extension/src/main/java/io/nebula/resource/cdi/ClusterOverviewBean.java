package io.nebula.resource.cdi;

import io.nebula.resource.ClusterOverview;
import io.nebula.resource.core.cluster.Cluster;
import io.nebula.resource.core.cluster.ClusterGate;
import io.nebula.resource.core.cluster.ClusterLimits;
import io.nebula.resource.core.cluster.ClusterUnavailableException;
import io.nebula.resource.core.cluster.ResourceGate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@link ClusterOverview} over this node's {@link Cluster}: the bean the extension adds when it is a node. */
final class ClusterOverviewBean implements ClusterOverview {

    private final Cluster cluster;

    ClusterOverviewBean(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public String nodeId() {
        return cluster.node().nodeId();
    }

    @Override
    public String health() {
        return cluster.node().available() ? "UP" : "DEGRADED";
    }

    @Override
    public Map<String, Integer> gates() {
        Map<String, Integer> gates = new TreeMap<>();
        ClusterGate gate = cluster.gate();
        if (gate != null) {
            for (ResourceGate g : gate.gates()) {
                gates.put(g.resource(), g.code());
            }
        }
        return gates;
    }

    @Override
    public String healthMessage() {
        return cluster.node().available() ? null : cluster.node().health().message().orElse(null);
    }

    @Override
    public Map<String, OpenGate> openGates() {
        Map<String, OpenGate> open = new TreeMap<>();
        ClusterGate gate = cluster.gate();
        if (gate != null) {
            for (ResourceGate g : gate.gates()) {
                ResourceGate.Open o = g.open();
                if (o != null) {
                    open.put(g.resource(), new OpenGate(o.node(), o.reason()));
                }
            }
        }
        return open;
    }

    @Override
    public List<String> liveNodes() {
        try {
            return List.copyOf(cluster.node().liveNodes());
        } catch (ClusterUnavailableException e) {
            throw new IllegalStateException(e.getMessage(), null); // names the node and the bound, never the URL
        }
    }

    @Override
    public List<Usage> usage() {
        List<Usage> all = new ArrayList<>();
        try {
            for (ClusterLimits l : cluster.allLimits().values()) {
                all.addAll(l.usage());
            }
        } catch (ClusterUnavailableException e) {
            // its message names the node and the bound, never the URL
            throw new IllegalStateException(e.getMessage(), null);
        }
        return all;
    }
}
