package io.nebula.resource.cdi.integration.otel;

import io.nebula.resource.core.telemetry.Telemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Finds the application's {@code OpenTelemetry}: the CDI bean where there is one (MP Telemetry, SmallRye
 * OpenTelemetry: on Open Liberty {@code GlobalOpenTelemetry} is a no-op), else {@code GlobalOpenTelemetry}.
 * A bean the extension adds when the OpenTelemetry API is on the class path, so the lookup happens from inside
 * the application, as an injection point of its own.
 */
// No bean-defining annotation: the extensions add this class themselves (only where its library is present);
// a container that scans the jar whatever its beans.xml says (Quarkus) must not find it on its own.
public class OpenTelemetryHolder {

    @Inject
    Instance<OpenTelemetry> openTelemetry;

    OpenTelemetry get() {
        return openTelemetry.isResolvable() ? openTelemetry.get() : GlobalOpenTelemetry.get();
    }

    /** @param semconv whether {@code db.client.connection.*} are reported too ({@code nebula.telemetry.semconv}) */
    public Telemetry telemetry(boolean semconv) {
        return OpenTelemetryWeave.of(get(), semconv);
    }
}
