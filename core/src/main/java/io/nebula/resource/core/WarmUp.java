package io.nebula.resource.core;

import java.util.Locale;
import java.util.Optional;

/** When a pool creates its first instances ({@code pool.warmup}). */
public enum WarmUp {
    /** On demand; the housekeeper then fills up to the minimum in the background. The default. */
    LAZY,
    /** {@link ResourcePool#start()} creates the minimum number of instances before it returns. */
    EAGER;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<WarmUp> parse(String value) {
        for (WarmUp w : values()) {
            if (w.name().equalsIgnoreCase(value.trim())) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }
}
