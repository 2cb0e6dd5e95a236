package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.DependencyGraph;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks that hold across resources: dependencies named, and no cycle among them; fallbacks that can serve. */
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

    /**
     * Checks each resource's {@code fallback} against the others: it names a declared resource other than itself,
     * of the same scope, whose provider makes instances of this resource's type (a lease of it can stand for this
     * one's), and that has no fallback of its own, since an acquisition falls back one hop only; two resources that
     * name each other (or a longer loop) are reported as the cycle they make. Each problem names
     * {@code nebula.resource.<name>.fallback}.
     *
     * @param declared the resources whose configuration was valid, by name (one whose {@code fallback} names a
     *                 resource that failed its own checks is not checked further: that resource has its own problems)
     * @param names    every declared resource's name, valid or not
     */
    public static void fallbacks(Map<String, ResourceDeclaration> declared, java.util.Set<String> names,
                                 ConfigProblems problems) {
        for (ResourceDeclaration d : declared.values()) {
            d.fallback().ifPresent(f -> {
                String key = d.settings().keyOf(ResourceDeclaration.FALLBACK);
                String problem = fallbackProblem(d, f, declared, names);
                if (problem != null) {
                    problems.add(key, problem);
                }
            });
        }
    }

    private static String fallbackProblem(ResourceDeclaration d, String fallback, Map<String, ResourceDeclaration> declared,
                                          java.util.Set<String> names) {
        if (fallback.equals(d.name())) {
            return "names this resource itself; a fallback is another declared resource";
        }
        if (!names.contains(fallback)) {
            return "names '" + fallback + "', which is not a declared resource; declared resources: "
                    + String.join(", ", new java.util.TreeSet<>(names));
        }
        ResourceDeclaration other = declared.get(fallback);
        if (other == null) {
            return null; // its own keys are wrong, and reported
        }
        List<String> loop = loop(d.name(), declared);
        if (loop != null) {
            return "makes a cycle of fallbacks: " + String.join(" -> ", loop) + "; a fallback must not fall back";
        }
        if (other.fallback().isPresent()) {
            return "names '" + fallback + "', which has a fallback of its own ('" + other.fallback().get() + "'); an"
                    + " acquisition falls back one hop only, so the fallback must have none";
        }
        if (other.scope() != d.scope()) {
            return "names '" + fallback + "', of scope '" + other.scope().configName() + "', but this resource has scope '"
                    + d.scope().configName() + "'; a fallback has the scope of the resource it stands in for";
        }
        Class<?> type = d.provider().type();
        Class<?> theirs = other.provider().type();
        if (!type.isAssignableFrom(theirs)) {
            return "names '" + fallback + "', a " + other.settings().kind() + " resource whose instances are "
                    + theirs.getName() + ", not " + type.getName() + " as this " + d.settings().kind()
                    + " resource's are; a fallback's lease must stand for this resource's";
        }
        return null;
    }

    /** The loop of fallbacks that starts at {@code name} and comes back to it, or null when there is none. */
    private static List<String> loop(String name, Map<String, ResourceDeclaration> declared) {
        List<String> path = new java.util.ArrayList<>();
        String at = name;
        while (at != null && !path.contains(at)) {
            path.add(at);
            ResourceDeclaration d = declared.get(at);
            at = d == null ? null : d.fallback().orElse(null);
        }
        if (name.equals(at)) {
            path.add(name);
            return path;
        }
        return null;
    }
}
