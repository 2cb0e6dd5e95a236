package io.nebula.resource.sample;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The sample's REST endpoints live under {@code /api}; the dashboard is served from {@code /}. */
@ApplicationPath("/api")
public class SampleApplication extends Application {
}
