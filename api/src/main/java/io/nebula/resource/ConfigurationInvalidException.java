package io.nebula.resource;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration is wrong; {@link #problems()} lists every problem found, each naming its key. */
public class ConfigurationInvalidException extends ResourceException {
    private static final long serialVersionUID = 1L;

    private final List<ConfigProblem> problems;

    public ConfigurationInvalidException(List<ConfigProblem> problems) {
        super(null, format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(List<ConfigProblem> problems) {
        return problems.size() + " configuration problem" + (problems.size() == 1 ? "" : "s") + ":"
                + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining());
    }
}
