package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.DependencyGraph;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks that hold across resources: dependencies named, and no cycle among them. */
public final class ResourceDeclarations {

    private ResourceDeclarations() {
    }

    /** The names in {@code depends-on}, as written (not checked). */
    public static List<String> dependsOn(ResourceSettings settings) {
        return settings.string(ResourceDeclaration.DEPENDS_ON)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /**
     * The dependency graph of {@code dependsOn} (every declared resource a key). A dependency on an
     * undeclared resource or a cycle is added to {@code problems}; the graph then leaves it out.
     */
    public static DependencyGraph graph(Map<String, List<String>> dependsOn, ConfigProblems problems) {
        Map<String, List<String>> known = new LinkedHashMap<>();
        dependsOn.forEach((name, dependencies) -> known.put(name, dependencies.stream().filter(d -> {
            if (dependsOn.containsKey(d)) {
                return true;
            }
            problems.add(ResourceSettings.PREFIX + name + "." + ResourceDeclaration.DEPENDS_ON, "names '" + d
                    + "', which is not a declared resource; declared resources: " + String.join(", ", dependsOn.keySet()));
            return false;
        }).toList()));
        try {
            return DependencyGraph.of(known);
        } catch (ConfigurationInvalidException e) {
            problems.addAll(e.problems());
            Map<String, List<String>> none = new LinkedHashMap<>();
            known.keySet().forEach(n -> none.put(n, List.of()));
            return DependencyGraph.of(none);
        }
    }
}
