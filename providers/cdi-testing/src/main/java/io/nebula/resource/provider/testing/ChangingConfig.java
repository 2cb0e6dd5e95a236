package io.nebula.resource.provider.testing;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A configuration source whose values a test changes while the application runs ({@link #set}): in every
 * {@link NebulaWeldTest}'s configuration, above {@link TestConfig}'s (ordinal 500), empty at the start of each test.
 * For what reads the configuration again at run time (the configuration refresh).
 */
public final class ChangingConfig implements ConfigSource {

    static final ChangingConfig SOURCE = new ChangingConfig();

    private final Map<String, String> values = new ConcurrentHashMap<>();

    private ChangingConfig() {
    }

    /** Sets {@code key} to {@code value} from now on, over the test's own configuration. */
    public static void set(String key, String value) {
        SOURCE.values.put(key, value);
    }

    static void clear() {
        SOURCE.values.clear();
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.copyOf(values.keySet());
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.copyOf(values);
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "changing-test-config";
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
