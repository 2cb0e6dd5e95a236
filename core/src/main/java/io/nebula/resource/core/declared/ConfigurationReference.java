package io.nebula.resource.core.declared;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.audit.AuditSink;
import io.nebula.resource.core.telemetry.SemanticConventions;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The configuration reference, made from the key definitions the code checks against ({@link ResourceKeys#DEFINITIONS},
 * each provider's {@link ResourceProvider#configKeys()}, {@link AuditSink#DEFINITION}, {@link SemanticConventions#DEFINITION}): docs/configuration.md for
 * people, and a JSON description of the same keys for editors. Nothing in it is written by hand, so it cannot drift
 * from what deployment accepts; a test compares the committed files with what this makes.
 *
 * <p>The test that compares the committed files (module config-reference, the one with every provider on its class
 * path) also writes them, given {@code -Dnebula.reference.write=true}: one command, so one header.
 */
public final class ConfigurationReference {

    /** How a resource's name is written in the Markdown, and in the JSON (the map-key wildcard editors know). */
    /** The keys of the application, not of a resource, in the order the reference lists them. */
    private static final List<ConfigKey> APPLICATION_KEYS = java.util.stream.Stream.concat(
            java.util.stream.Stream.of(AuditSink.DEFINITION, SemanticConventions.DEFINITION, ChangeableKeys.DEFINITION,
                    io.nebula.resource.core.history.HistoryClock.DEFINITION),
            io.nebula.resource.core.cluster.ClusterSettings.DEFINITIONS.stream()).toList();
    private static final String NAME = "<name>";
    private static final String JSON_NAME = "{*}";

    private final List<ResourceProvider<?>> providers;
    private final String regenerate;

    /**
     * @param providers  the providers whose keys the reference lists, by kind
     * @param regenerate the command that regenerates the files, written in them
     */
    public ConfigurationReference(Collection<? extends ResourceProvider<?>> providers, String regenerate) {
        this.providers = providers.stream().sorted(Comparator.comparing(ResourceProvider::kind))
                .collect(Collectors.toUnmodifiableList());
        this.regenerate = regenerate;
    }

    /** The providers installed with {@link ServiceLoader}, as deployment finds them. */
    public static List<ResourceProvider<?>> installedProviders() {
        List<ResourceProvider<?>> found = new ArrayList<>();
        ServiceLoader.load(ResourceProvider.class, ConfigurationReference.class.getClassLoader()).forEach(found::add);
        return found;
    }

    /** The kinds that read the same keys, listed once: the JDBC kinds, the two Redis kinds. */
    private Map<List<ConfigKey>, List<String>> kindsByKeys() {
        Map<List<ConfigKey>, List<String>> kinds = new LinkedHashMap<>();
        for (ResourceProvider<?> p : providers) {
            kinds.computeIfAbsent(p.configKeys(), k -> new ArrayList<>()).add(p.kind());
        }
        return kinds;
    }

    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Configuration reference\n\n");
        b.append("<!-- Made from the code by ").append(ConfigurationReference.class.getName())
                .append(": do not edit. Regenerate with: ").append(regenerate).append(" -->\n\n");
        b.append("Every key a resource may have, as deployment checks it: a key that is not here fails deployment,"
                + " naming the key and the\nnearest known one. A resource `").append(NAME).append("` is declared in"
                + " MicroProfile Config (`microprofile-config.properties`, `application.properties`,\nenvironment"
                + " variables, profiles such as `%prod.`) with keys `").append(ResourceSettings.PREFIX).append(NAME)
                .append(".<key>`; a tenant overrides a key of a tenant-scoped\nresource with `nebula.tenant.<id>"
                + ".resource.").append(NAME).append(".<key>` ([tenancy.md](tenancy.md)). A key ending in `.*` stands"
                + " for every key\nunder it. A secret key's value is never shown in a log, message, span, metric or"
                + " `toString()`. Durations are written\n`500ms`, `30s`, `10m`, `2h`, `1d` or in ISO-8601"
                + " (`PT30S`).\n\n");
        b.append("The same keys are described for editors in [configuration.json](configuration.json) (also in the"
                + " CDI extension's jar as\n`META-INF/nebula-resource-config.json`): one entry per key under"
                + " `properties`, named with `").append(JSON_NAME).append("` for the resource's name\n"
                + "(`nebula.resource.").append(JSON_NAME).append(".pool.max-size`), with `type`, `defaultValue`,"
                + " `required`, `secret`, `description`, `kinds` (the kinds that read it;\n`*` for every kind) and,"
                + " for a key with a fixed set of values, `values`.\n\n");

        b.append("## Keys of every resource\n\n");
        ResourceKeys.DEFINITIONS.forEach((group, keys) -> {
            b.append("### ").append(group).append("\n\n");
            table(b, keys, true);
        });

        b.append("## Keys of each kind\n\n");
        b.append("Beside the keys above, a resource reads those of its kind's provider.\n\n");
        kindsByKeys().forEach((keys, kinds) -> {
            b.append("### ").append(kinds.stream().map(k -> "`" + k + "`").collect(Collectors.joining(", ")))
                    .append("\n\n");
            if (keys.isEmpty()) {
                b.append("This provider describes no keys of its own.\n\n");
            } else {
                table(b, keys, false); // a provider's key is read once, when it makes an instance
            }
        });

        b.append("## Application keys\n\n");
        b.append("| key | type | default | description |\n|---|---|---|---|\n");
        for (ConfigKey k : APPLICATION_KEYS) {
            b.append("| `").append(k.name()).append("` | ").append(type(k)).append(" | ")
                    .append(dflt(k)).append(" | ").append(cell(k.description())).append(" |\n");
        }
        return b.toString();
    }

    /** @param resourceWide whether these are keys of every resource, which alone may be changeable */
    private static void table(StringBuilder b, List<ConfigKey> keys, boolean resourceWide) {
        b.append("| key | type | default | secret | description |\n|---|---|---|---|---|\n");
        for (ConfigKey k : keys) {
            b.append("| `").append(shown(k)).append("` | ").append(type(k)).append(" | ").append(dflt(k))
                    .append(" | ").append(k.secret() ? "yes" : "").append(" | ").append(resourceWide ? changeable(k) : "")
                    .append(cell(k.description()))
                    .append(" |\n");
        }
        b.append('\n');
    }

    /** Marks a key that changes a running resource ({@link ChangeableKeys}). */
    private static String changeable(ConfigKey k) {
        return ChangeableKeys.RESOURCE.contains(k.name()) ? "**Changeable at run time.** "
                : ChangeableKeys.TENANT.contains(k.name()) ? "**Changeable at run time per tenant.** " : "";
    }

    private static String type(ConfigKey k) {
        if (k.type() == ConfigKey.Type.CHOICE) {
            return k.values().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "));
        }
        return k.type().configName();
    }

    private static String dflt(ConfigKey k) {
        if (k.required()) {
            return "required";
        }
        return k.defaultValue() == null ? "" : "`" + k.defaultValue() + "`";
    }

    /** Text in a table cell: a {@code <name>} in it is text, not an HTML tag. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A key as the Markdown names it: {@code properties.*} for every key under {@code properties.}. */
    private static String shown(ConfigKey k) {
        return k.type() == ConfigKey.Type.MAP ? k.name() + "*" : k.name();
    }

    /** The keys as JSON, for editors' completion of {@code microprofile-config.properties} keys. */
    public String json() {
        StringBuilder b = new StringBuilder();
        b.append("{\n  \"description\": ").append(quote("Keys of nebula-resource, made from the code by "
                + ConfigurationReference.class.getName() + "; regenerate with: " + regenerate)).append(",\n");
        b.append("  \"properties\": [\n");
        List<String> entries = new ArrayList<>();
        ResourceKeys.DEFINITIONS.values().forEach(keys -> keys.forEach(k -> entries.add(entry(resourceKey(k), k,
                List.of("*")))));
        kindsByKeys().forEach((keys, kinds) -> keys.forEach(k -> entries.add(entry(resourceKey(k), k, kinds))));
        APPLICATION_KEYS.forEach(k -> entries.add(entry(k.name(), k, List.of())));
        b.append(String.join(",\n", entries)).append("\n  ]\n}\n");
        return b.toString();
    }

    private static String resourceKey(ConfigKey k) {
        return ResourceSettings.PREFIX + JSON_NAME + "." + k.name() + (k.type() == ConfigKey.Type.MAP ? JSON_NAME : "");
    }

    private static String entry(String name, ConfigKey k, List<String> kinds) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", quote(name));
        fields.put("type", quote(k.type().configName()));
        if (k.defaultValue() != null) {
            fields.put("defaultValue", quote(k.defaultValue()));
        }
        fields.put("required", Boolean.toString(k.required()));
        fields.put("secret", Boolean.toString(k.secret()));
        if (ChangeableKeys.isMarked(k.name()) && (kinds.isEmpty() || kinds.contains("*"))) { // not a provider's own
            fields.put("changeable", "true");
        }
        if (!k.values().isEmpty()) {
            fields.put("values", k.values().stream().map(ConfigurationReference::quote)
                    .collect(Collectors.joining(", ", "[", "]")));
        }
        if (!kinds.isEmpty()) {
            fields.put("kinds", kinds.stream().map(ConfigurationReference::quote).collect(Collectors.joining(", ", "[", "]")));
        }
        fields.put("description", quote(k.description()));
        return fields.entrySet().stream().map(e -> "      \"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(",\n", "    {\n", "\n    }"));
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
