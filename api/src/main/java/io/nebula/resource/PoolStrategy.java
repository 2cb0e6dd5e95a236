package io.nebula.resource;

import java.util.Locale;
import java.util.Optional;

/**
 * The engine's five pool strategies, by name: how a pool chooses which idle instance to hand out, which to let go
 * when it shrinks, and, for {@link #ADAPTIVE}, how many to keep. Each is an implementation of the
 * {@link io.nebula.resource.spi.PoolStrategy} SPI, which an application implements to add its own; this enum
 * names the built-in ones in code ({@link ResourceBuilder#strategy}), where an application's strategy is named as
 * in configuration ({@code property("pool.strategy", "youngest-first")}).
 */
public enum PoolStrategy {
    /** Most recently returned first: keeps a hot set warm and lets the rest idle out. The default. */
    LIFO,
    /** Least recently returned first: spreads use evenly over every instance. */
    FIFO,
    /** Hands out like LIFO; when the pool shrinks, the least recently used idle instances go first. */
    LRU,
    /** Instances are created against several weighted endpoints and handed out in proportion. */
    WEIGHTED_ROUND_ROBIN,
    /** The pool sizes itself from observed demand within min and max (see docs/pool-engine.md, "Adaptive sizing"). */
    ADAPTIVE;

    /** The configuration spelling: {@code lifo}, {@code weighted-round-robin}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a configuration value, case-insensitively; empty when it is not a strategy. */
    public static Optional<PoolStrategy> parse(String value) {
        String v = value == null ? "" : value.trim();
        for (PoolStrategy s : values()) {
            if (s.configName().equalsIgnoreCase(v) || s.name().equalsIgnoreCase(v)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
