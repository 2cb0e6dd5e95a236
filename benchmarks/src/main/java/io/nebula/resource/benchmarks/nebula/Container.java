package io.nebula.resource.benchmarks.nebula;

import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Weld SE container with Nebula's extension and resources declared in MicroProfile Config
 * (SmallRye Config, from system properties set before boot), as an application runs it.
 *
 * <p>Discovery is off: the uber-jar is one archive and scanning it would be slow and pointless.
 * Weld SE then loads no extension from {@code META-INF/services}, so the caller adds Nebula's as a
 * portable extension is added; the beans the benchmark uses are added as bean classes.
 */
public final class Container {

    /**
     * Loggers an application routes to a file or a shipper: the audit trail writes an INFO line per
     * refusal or credential use (a DEBUG line per lease) and the pools' structured log one per lifecycle
     * change. On the console of a benchmark they would measure the terminal, so they keep WARNING and
     * above; audit records are fired as CDI events when the application observes them (no benchmark
     * does). (Held: a logger's level is lost when the logger is collected.)
     */
    private static final List<Logger> QUIETED = List.of(
            Logger.getLogger("io.nebula.resource.audit"),
            Logger.getLogger(io.nebula.resource.core.telemetry.PoolLog.LOGGER));

    static {
        QUIETED.forEach(logger -> logger.setLevel(Level.WARNING));
    }

    private Container() {
    }

    /**
     * @param resources resource name → keys relative to {@code nebula.resource.<name>.}
     * @param beans     the application's bean classes
     */
    public static WeldContainer boot(Map<String, Map<String, String>> resources, Class<?>... beans) {
        resources.forEach((name, keys) -> keys.forEach((key, value) ->
                System.setProperty("nebula.resource." + name + "." + key, value)));
        Weld weld = new Weld("nebula-benchmark")
                .disableDiscovery()
                .addExtension(new io.nebula.resource.cdi.NebulaExtension());
        for (Class<?> bean : beans) {
            weld.addBeanClass(bean);
        }
        return weld.initialize();
    }
}
