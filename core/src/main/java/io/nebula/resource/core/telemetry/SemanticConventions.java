package io.nebula.resource.core.telemetry;

import io.nebula.resource.spi.ConfigKey;

/**
 * The application key that adds OpenTelemetry's {@code db.client.connection.*} instruments for resources whose
 * instances pool connections themselves (docs/observability.md): read by the CDI extension, described here so the
 * configuration reference, made in core, lists it with its default.
 */
public final class SemanticConventions {

    /** The key, and its default: off, as it times every {@code getConnection()} (docs/observability.md gives the cost). */
    public static final String KEY = "nebula.telemetry.semconv";
    public static final boolean BY_DEFAULT = false;
    /** {@link #KEY}, described for docs/configuration.md (a full key: it belongs to no resource). */
    public static final ConfigKey DEFINITION = ConfigKey.bool(KEY, BY_DEFAULT, "true: JDBC resources also report"
            + " OpenTelemetry's db.client.connection.* instruments; each getConnection() is then timed"
            + " (docs/observability.md).");

    private SemanticConventions() {
    }
}
