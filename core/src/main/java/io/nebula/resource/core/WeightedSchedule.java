package io.nebula.resource.core;

import java.util.List;

/** Weighted round robin over endpoints: which endpoint serves next, and which gets the next new instance. */
final class WeightedSchedule {

    private WeightedSchedule() {
    }

    /**
     * One cycle of smooth weighted round robin (nginx's algorithm): each endpoint appears as often as
     * its weight, spread out rather than in runs.
     */
    static int[] smooth(List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            return new int[] {0};
        }
        int total = endpoints.stream().mapToInt(Endpoint::weight).sum();
        int[] current = new int[endpoints.size()];
        int[] schedule = new int[total];
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < current.length; i++) {
                current[i] += endpoints.get(i).weight();
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            schedule[step] = best;
        }
        return schedule;
    }

    /** The endpoint whose share of instances is furthest below its weight, so the pool's mix follows the weights. */
    static int leastServed(List<Endpoint> endpoints, int[] counts) {
        return leastServed(endpoints, counts, null);
    }

    /**
     * {@link #leastServed(List, int[])} among the endpoints that are UP: the others' share is made up on those that
     * serve. With none UP (or no health), among all of them.
     */
    static int leastServed(List<Endpoint> endpoints, int[] counts, EndpointHealth health) {
        boolean skipDown = health != null && health.anyUp();
        int best = -1;
        for (int i = 0; i < endpoints.size(); i++) {
            if (skipDown && health.down(i)) {
                continue;
            }
            if (best < 0) {
                best = i;
                continue;
            }
            // counts[i]+1 / w[i] < counts[best]+1 / w[best], without division
            if ((long) (counts[i] + 1) * endpoints.get(best).weight()
                    < (long) (counts[best] + 1) * endpoints.get(i).weight()) {
                best = i;
            }
        }
        return best;
    }
}
