package io.nebula.resource.cdi.integration;

import io.nebula.resource.cdi.integration.metrics.MetricRegistryHolder;
import io.nebula.resource.cdi.integration.otel.OpenTelemetryHolder;
import io.nebula.resource.core.telemetry.SemanticConventions;
import io.nebula.resource.core.telemetry.Telemetry;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;

import java.util.ArrayList;
import java.util.List;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Which telemetry backends the application has, detected by class presence: the OpenTelemetry API and the
 * MicroProfile Metrics API. The classes that use them load only when they are there.
 */
public final class TelemetryBackends {

    private static final System.Logger LOG = System.getLogger(TelemetryBackends.class.getName());
    static final boolean OPEN_TELEMETRY = present("io.opentelemetry.api.OpenTelemetry");
    static final boolean MP_METRICS = present("org.eclipse.microprofile.metrics.MetricRegistry");

    private TelemetryBackends() {
    }

    /** The beans the extension adds so the backends can be found from inside the application. */
    public static List<Class<?>> beanClasses() {
        List<Class<?>> beans = new ArrayList<>();
        if (OPEN_TELEMETRY) {
            beans.add(OpenTelemetryHolder.class);
        }
        if (MP_METRICS) {
            beans.add(MetricRegistryHolder.class);
        }
        return beans;
    }

    /**
     * Whether OpenTelemetry reports the semantic conventions' {@code db.client.connection.*} for the resources whose
     * instance pools connections (JDBC): off by default, since timing each connection's wait and use costs the
     * {@code getConnection()} hit path (docs/observability.md).
     */
    public static final String SEMCONV = SemanticConventions.KEY;

    /**
     * The application's backends, found through the beans of {@link #beanClasses()}; {@link Telemetry#NONE} when none.
     *
     * @param semconv {@value #SEMCONV}
     */
    public static Telemetry resolve(BeanManager beanManager, boolean semconv) {
        List<Telemetry> found = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (OPEN_TELEMETRY) {
            Telemetry t = lookup(beanManager, "OpenTelemetry", () ->
                    beanManager.createInstance().select(OpenTelemetryHolder.class).get().telemetry(semconv));
            if (t != Telemetry.NONE) {
                found.add(t);
                names.add("OpenTelemetry");
            }
        }
        if (MP_METRICS) {
            Telemetry t = lookup(beanManager, "MicroProfile Metrics", () ->
                    beanManager.createInstance().select(MetricRegistryHolder.class).get().telemetry());
            if (t != Telemetry.NONE) {
                found.add(t);
                names.add("MicroProfile Metrics");
            }
        }
        LOG.log(INFO, "NEBULA-3301 Resource telemetry: {0}", names.isEmpty() ? "none (no-op)" : String.join(", ", names));
        return Telemetry.of(found);
    }

    /**
     * The backends of an application on a CDI Lite container, looked up in {@code beans} rather than through the
     * holder beans, which a container that removes unused beans (Quarkus) removes: OpenTelemetry only (Quarkus has
     * no MicroProfile Metrics).
     */
    public static Telemetry resolveLite(Instance<Object> beans, boolean semconv) {
        Telemetry found = Telemetry.NONE;
        if (OPEN_TELEMETRY) {
            found = lookup(null, "OpenTelemetry", () -> OpenTelemetryHolder.lookup(beans, semconv));
        }
        LOG.log(INFO, "NEBULA-3301 Resource telemetry: {0}", found == Telemetry.NONE ? "none (no-op)" : "OpenTelemetry");
        return found;
    }

    private static Telemetry lookup(BeanManager beanManager, String what, java.util.function.Supplier<Telemetry> lookup) {
        try {
            return lookup.get();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(WARNING, "NEBULA-3303 " + what + " was found on the class path but could not be used; "
                    + "resources are not reported there", e);
            return Telemetry.NONE;
        }
    }

    /** Whether {@code className} can be loaded here, without initializing it. */
    public static boolean present(String className) {
        try {
            Class.forName(className, false, TelemetryBackends.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
