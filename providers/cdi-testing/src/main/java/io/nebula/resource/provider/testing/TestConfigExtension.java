package io.nebula.resource.provider.testing;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives each test a MicroProfile Config of its own, built from its {@link TestConfig} and
 * {@link RuntimeConfig} with SmallRye Config's default sources and interceptors (profiles, expressions),
 * registered for the thread's class loader before the container starts and released after it stopped,
 * so no test sees another's resources. Registered by {@link NebulaWeldTest} ahead of Weld's extension,
 * which is what makes it run first.
 */
public final class TestConfigExtension implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestConfigExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        Map<String, String> properties = new LinkedHashMap<>();
        add(properties, context.getRequiredTestClass().getAnnotation(TestConfig.class));
        add(properties, context.getRequiredTestMethod().getAnnotation(TestConfig.class));
        properties.putAll(runtimeConfig(context.getRequiredTestInstance()));
        ChangingConfig.clear();
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultSources()
                .addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "test-config", 100))
                .withSources(ChangingConfig.SOURCE)
                .build();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException ignored) {
            // nothing was registered for this loader yet
        }
        resolver.registerConfig(config, loader);
        context.getStore(NS).put("config", config);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SmallRyeConfig config = context.getStore(NS).remove("config", SmallRyeConfig.class);
        if (config != null) {
            ConfigProviderResolver.instance().releaseConfig(config);
        }
    }

    private static void add(Map<String, String> properties, TestConfig config) {
        if (config == null) {
            return;
        }
        for (String line : config.value()) {
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw new ExtensionConfigurationException("@TestConfig line '" + line + "' is not key=value");
            }
            properties.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
    }

    private static Map<String, String> runtimeConfig(Object test) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Class<?> c = test.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(RuntimeConfig.class)) {
                    continue;
                }
                if (m.getParameterCount() != 0 || !Map.class.isAssignableFrom(m.getReturnType())) {
                    throw new ExtensionConfigurationException("@RuntimeConfig method " + m
                            + " must take no argument and return Map<String, String>");
                }
                try {
                    m.setAccessible(true);
                    ((Map<?, ?>) m.invoke(test)).forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new ExtensionConfigurationException("@RuntimeConfig method " + m + " failed", e);
                }
            }
        }
        return properties;
    }
}
