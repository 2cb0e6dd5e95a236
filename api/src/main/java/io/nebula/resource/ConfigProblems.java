package io.nebula.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects configuration problems so that every one is reported at once.
 *
 * <pre>{@code
 * ConfigProblems problems = new ConfigProblems();
 * Integer port = problems.read(() -> settings.intValue("port", 5432));
 * Duration timeout = problems.read(() -> settings.duration("timeout", Duration.ofSeconds(5)));
 * problems.throwIfAny();
 * }</pre>
 */
public final class ConfigProblems {

    private final List<ConfigProblem> problems = new ArrayList<>();

    /** Reads a value; a {@link ConfigurationInvalidException} is recorded and {@code null} returned. */
    public <T> T read(Supplier<T> reader) {
        try {
            return reader.get();
        } catch (ConfigurationInvalidException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    public ConfigProblems add(String key, String message) {
        problems.add(new ConfigProblem(key, message));
        return this;
    }

    public ConfigProblems addAll(List<ConfigProblem> more) {
        problems.addAll(more);
        return this;
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<ConfigProblem> list() {
        return List.copyOf(problems);
    }

    /** @throws ConfigurationInvalidException listing every problem, if there is one */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigurationInvalidException(problems);
        }
    }
}
