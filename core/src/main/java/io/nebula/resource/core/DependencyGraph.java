package io.nebula.resource.core;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The resources and what each depends on ({@code nebula.resource.<name>.depends-on}): checked for
 * unknown names and cycles, ordered for start and stop, and used to cascade health. Immutable.
 * Orders are deterministic: among resources free to go next, names are taken alphabetically.
 */
public final class DependencyGraph {

    static final String DEPENDS_ON = "depends-on";

    private final Map<String, List<String>> direct;
    private final List<String> startOrder;

    private DependencyGraph(Map<String, List<String>> direct, List<String> startOrder) {
        this.direct = direct;
        this.startOrder = startOrder;
    }

    /**
     * @param dependsOn each resource's direct dependencies; every resource must be a key
     * @throws ConfigurationInvalidException naming every unknown dependency and every cycle
     *                                       ({@code a → b → c → a}) under {@code nebula.resource.<name>.depends-on}
     */
    public static DependencyGraph of(Map<String, List<String>> dependsOn) {
        Map<String, List<String>> direct = new TreeMap<>();
        dependsOn.forEach((k, v) -> direct.put(k, List.copyOf(new LinkedHashSet<>(v == null ? List.of() : v))));
        ConfigProblems problems = new ConfigProblems();
        direct.forEach((name, deps) -> {
            for (String d : deps) {
                if (!direct.containsKey(d)) {
                    problems.add(key(name), "depends on '" + d + "', which is not a declared resource; declared: "
                            + String.join(", ", direct.keySet()));
                }
            }
        });
        for (List<String> cycle : cycles(direct)) {
            problems.add(key(cycle.get(0)), "dependency cycle " + String.join(" → ", cycle));
        }
        problems.throwIfAny();
        return new DependencyGraph(Collections.unmodifiableMap(direct), topological(direct));
    }

    private static String key(String name) {
        return ResourceSettings.PREFIX + name + "." + DEPENDS_ON;
    }

    /** Each elementary cycle found by depth-first search, once, starting from its alphabetically first name. */
    private static List<List<String>> cycles(Map<String, List<String>> direct) {
        List<List<String>> found = new ArrayList<>();
        Set<Set<String>> seen = new LinkedHashSet<>();
        Set<String> done = new TreeSet<>();
        for (String root : direct.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            search(root, direct, path, new LinkedHashSet<>(), done, found, seen);
        }
        return found;
    }

    private static void search(String node, Map<String, List<String>> direct, Deque<String> path, Set<String> onPath,
                               Set<String> done, List<List<String>> found, Set<Set<String>> seen) {
        if (done.contains(node)) {
            return;
        }
        path.addLast(node);
        onPath.add(node);
        for (String next : direct.getOrDefault(node, List.of())) {
            if (!direct.containsKey(next)) {
                continue;
            }
            if (onPath.contains(next)) {
                List<String> cycle = new ArrayList<>();
                boolean in = false;
                for (String p : path) {
                    in |= p.equals(next);
                    if (in) {
                        cycle.add(p);
                    }
                }
                if (seen.add(new TreeSet<>(cycle))) {
                    // rotate so the cycle reads from its alphabetically first member
                    int first = cycle.indexOf(new TreeSet<>(cycle).first());
                    List<String> rotated = new ArrayList<>(cycle.subList(first, cycle.size()));
                    rotated.addAll(cycle.subList(0, first));
                    rotated.add(rotated.get(0));
                    found.add(rotated);
                }
            } else {
                search(next, direct, path, onPath, done, found, seen);
            }
        }
        onPath.remove(node);
        path.removeLast();
        done.add(node);
    }

    private static List<String> topological(Map<String, List<String>> direct) {
        Map<String, Integer> missing = new TreeMap<>();
        Map<String, List<String>> dependents = new TreeMap<>();
        direct.forEach((name, deps) -> {
            missing.put(name, deps.size());
            for (String d : deps) {
                dependents.computeIfAbsent(d, x -> new ArrayList<>()).add(name);
            }
        });
        TreeSet<String> ready = missing.entrySet().stream().filter(e -> e.getValue() == 0)
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String n = ready.pollFirst();
            order.add(n);
            for (String dependent : dependents.getOrDefault(n, List.of())) {
                if (missing.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        return List.copyOf(order);
    }

    /** Every resource, dependencies before the resources that need them. */
    public List<String> startOrder() {
        return startOrder;
    }

    /** The reverse of {@link #startOrder()}: a resource stops before what it depends on. */
    public List<String> stopOrder() {
        List<String> reversed = new ArrayList<>(startOrder);
        Collections.reverse(reversed);
        return List.copyOf(reversed);
    }

    /** Every resource {@code name} depends on, directly or not, in start order. */
    public List<String> dependenciesOf(String name) {
        if (!direct.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a resource of this graph; known: " + direct.keySet());
        }
        Set<String> all = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(direct.get(name));
        while (!todo.isEmpty()) {
            String d = todo.pop();
            if (all.add(d)) {
                todo.addAll(direct.get(d));
            }
        }
        return startOrder.stream().filter(all::contains).toList();
    }

    /**
     * Health with dependencies taken into account: a resource whose own status is UP but one of whose
     * (transitive) dependencies is DOWN is DEGRADED, with a message naming them
     * ({@code DEGRADED because orders-db is DOWN}) and a {@code downDependencies} detail. A resource
     * that is itself DEGRADED or DOWN keeps its status and gains the detail. Resources missing from
     * {@code own} count as UP.
     */
    public Map<String, HealthStatus> cascade(Map<String, HealthStatus> own) {
        Map<String, HealthStatus> result = new LinkedHashMap<>();
        for (String name : startOrder) {
            HealthStatus mine = own.getOrDefault(name, HealthStatus.up());
            List<String> down = dependenciesOf(name).stream()
                    .filter(d -> own.containsKey(d) && own.get(d).status() == HealthStatus.Status.DOWN)
                    .toList();
            if (down.isEmpty()) {
                result.put(name, mine);
                continue;
            }
            String because = "DEGRADED because " + String.join(", ", down) + (down.size() == 1 ? " is" : " are") + " DOWN";
            HealthStatus cascaded = mine.status() == HealthStatus.Status.UP
                    ? mine.with(HealthStatus.Status.DEGRADED, because)
                    : mine;
            result.put(name, cascaded.withDetail("downDependencies", down));
        }
        return Collections.unmodifiableMap(result);
    }

    @Override
    public String toString() {
        return "DependencyGraph" + direct;
    }
}
