package io.nebula.resource.core.credential;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.CredentialSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A resource's {@code credentials.*} keys:
 * <ul>
 *   <li>{@code credentials.source}: the {@link CredentialSource} by name ({@code config}, {@code directory},
 *       {@code settings}); the default is the container's ({@code config} in the CDI extension);</li>
 *   <li>{@code credentials.refresh-interval}: how often the source is read again to notice a rotation
 *       (default 30s; 0 never);</li>
 *   <li>{@code credentials.keys}: which keys are credentials, comma-separated; always {@code username} and
 *       {@code password}, and every secret key the resource sets.</li>
 * </ul>
 * A source may read keys of its own under {@code credentials.} (the directory source's {@code credentials.directory}).
 */
public record CredentialSettings(String source, Duration refreshInterval, Set<String> keys) {

    public static final String SOURCE = "credentials.source";
    public static final String REFRESH_INTERVAL = "credentials.refresh-interval";
    public static final String KEYS = "credentials.keys";

    static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);
    private static final Set<String> ALWAYS = Set.of("username", "password");

    /**
     * The {@code credentials.*} keys, described (see docs/configuration.md): these and those of the credential sources
     * installed with the library (the directory source's).
     */
    public static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.string(SOURCE, null, "Where the credentials come from: config (MicroProfile Config, the CDI"
                    + " extension's default), directory (one file per secret), settings (the values as declared), or"
                    + " any CredentialSource installed with ServiceLoader."),
            ConfigKey.duration(REFRESH_INTERVAL, DEFAULT_REFRESH_INTERVAL, "How often the source is read again to"
                    + " notice a rotation; 0 reads it only when an instance is created."),
            ConfigKey.list(KEYS, "More keys to treat as credentials; " + String.join(", ", new TreeSet<>(ALWAYS))
                    + " and every secret key of the resource always are."),
            ConfigKey.string(DirectoryCredentialSource.DIRECTORY, null, "(credentials.source=directory, where it is"
                    + " required) the directory holding one file per credential; may contain {tenant}."),
            ConfigKey.map(DirectoryCredentialSource.FILE, "(credentials.source=directory) another file name for a"
                    + " key, e.g. credentials.file.password=db-password; by default the file is named as the key."));

    /**
     * Reads the keys; an unknown source, a bad interval and what the source itself finds wrong are problems.
     *
     * @param defaultSource the source when {@code credentials.source} is not set
     * @param sources       the installed sources, by name
     * @throws io.nebula.resource.ConfigurationInvalidException listing every problem
     */
    public static CredentialSettings from(ResourceSettings settings, String defaultSource, Map<String, CredentialSource> sources) {
        ConfigProblems problems = new ConfigProblems();
        CredentialSettings read = read(settings, defaultSource, sources, problems);
        problems.throwIfAny();
        return read;
    }

    public static List<ConfigProblem> problems(ResourceSettings settings, String defaultSource,
                                               Map<String, CredentialSource> sources) {
        ConfigProblems problems = new ConfigProblems();
        read(settings, defaultSource, sources, problems);
        return problems.list();
    }

    private static CredentialSettings read(ResourceSettings s, String defaultSource, Map<String, CredentialSource> sources,
                                           ConfigProblems problems) {
        String source = s.string(SOURCE, defaultSource);
        CredentialSource found = sources.get(source);
        if (found == null) {
            problems.add(s.keyOf(SOURCE), "names no installed credential source; known sources: "
                    + String.join(", ", new TreeSet<>(sources.keySet())) + "; was '" + source + "'");
        } else {
            try {
                problems.addAll(found.validate(s));
            } catch (RuntimeException e) {
                problems.add(s.keyOf(SOURCE), "the credential source '" + source + "' failed to check this resource's"
                        + " keys: " + e.getClass().getName());
            }
        }
        Duration refresh = problems.read(() -> s.duration(REFRESH_INTERVAL, DEFAULT_REFRESH_INTERVAL));
        Set<String> keys = new LinkedHashSet<>(ALWAYS);
        s.string(KEYS).ifPresent(v -> Arrays.stream(v.split(",")).map(String::trim).filter(k -> !k.isEmpty())
                .forEach(keys::add));
        for (String key : s.keys()) {
            if (ResourceSettings.isSecretKey(key) && !key.startsWith("credentials.")) {
                keys.add(key);
            }
        }
        return new CredentialSettings(source, refresh == null ? DEFAULT_REFRESH_INTERVAL : refresh, Set.copyOf(keys));
    }
}
