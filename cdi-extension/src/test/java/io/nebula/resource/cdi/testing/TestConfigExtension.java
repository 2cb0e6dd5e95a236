package io.nebula.resource.cdi.testing;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives each test a MicroProfile Config of its own, built from its {@link TestConfig} with SmallRye
 * Config's default sources and interceptors (profiles, expressions), registered for the thread's class
 * loader before the container starts and released after it stopped, so no test sees another's resources.
 * Also resets the {@link TestBackend} and the {@link FlakyBackend}.
 */
public final class TestConfigExtension implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestConfigExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        TestBackend.reset();
        FlakyBackend.reset();
        Map<String, String> properties = new LinkedHashMap<>();
        TestConfig onClass = context.getRequiredTestClass().getAnnotation(TestConfig.class);
        TestConfig onMethod = context.getRequiredTestMethod().getAnnotation(TestConfig.class);
        for (TestConfig c : new TestConfig[] {onClass, onMethod}) {
            if (c != null) {
                for (String line : c.value()) {
                    int eq = line.indexOf('=');
                    properties.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultSources()
                .addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "test-config", 100))
                .build();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException ignored) {
            // nothing registered yet
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
}
