package io.nebula.resource.faults;

import io.nebula.resource.ManagedResource;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.NebulaExtension;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.testing.FaultProxy;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.junit5.WeldInitiator;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One resource, an application's Weld SE container with the extension, and (for a kind with a server) a
 * {@link FaultProxy} in front of the real local server. {@code {proxy}} in a key's value is replaced by the proxy's
 * {@code host:port}. The server itself is never touched.
 */
final class Rig implements AutoCloseable {

    final String resource;
    final FaultProxy proxy;
    private final SmallRyeConfig config;
    final WeldContainer container;
    private CompletableFuture<Void> closing;

    /**
     * @param serverPort the local server's port, or {@code 0} for a kind without one (no proxy)
     * @param beans      the application's bean classes
     */
    Rig(String resource, int serverPort, Map<String, String> keys, Class<?>... beans) throws IOException {
        this.resource = resource;
        proxy = serverPort > 0 ? FaultProxy.start("127.0.0.1", serverPort) : null;
        Map<String, String> properties = new LinkedHashMap<>();
        keys.forEach((k, v) -> properties.put("nebula.resource." + resource + "." + k,
                proxy == null ? v : v.replace("{proxy}", proxy.host() + ":" + proxy.port())));
        config = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "failure-table", 100)).build();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException ignored) {
            // nothing registered for this loader yet
        }
        resolver.registerConfig(config, loader);
        container = WeldInitiator.createWeld().addExtension(new NebulaExtension())
                .addBeanClass(NebulaWeld.Placeholder.class).addBeanClasses(beans).initialize();
    }

    Resources resources() {
        return container.select(Resources.class).get();
    }

    /** The resource itself (not a proxy): usable while the application stops. */
    ManagedResource<?> managed() {
        return resources().find(resource).orElseThrow();
    }

    WorkflowContexts contexts() {
        return container.select(WorkflowContexts.class).get();
    }

    <T> T bean(Class<T> type) {
        return container.select(type).get();
    }

    /** A datum of the resource's readiness check ({@code quarantined}, {@code circuit}, ...). */
    Optional<Object> readiness(String datum) {
        for (HealthCheck check : container.select(HealthCheck.class, Readiness.Literal.INSTANCE)) {
            HealthCheckResponse response = check.call();
            if (response.getName().equals("nebula-resource:" + resource + ":readiness")) {
                return response.getData().flatMap(d -> Optional.ofNullable(d.get(datum)));
            }
        }
        throw new IllegalStateException("no readiness check for " + resource);
    }

    /** Stops the application on another thread: its resources drain (as long as a lease is out, within {@code pool.drain-grace}). */
    void stopInTheBackground() {
        closing = CompletableFuture.runAsync(container::close, task -> {
            Thread t = new Thread(task, "stopping-the-application");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Waits for the stop begun by {@link #stopInTheBackground()}. */
    void stopped() {
        closing.join();
    }

    @Override
    public void close() {
        try {
            if (closing != null) {
                closing.join();
            } else if (container.isRunning()) {
                container.close();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            ConfigProviderResolver.instance().releaseConfig(config);
        }
    }
}
