package io.nebula.resource.dashboard;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Set;

/**
 * The dashboard's JSON endpoints at {@code nebula/api}, beside whatever JAX-RS application the application has.
 * Jakarta REST allows several {@code Application} subclasses in one web module, each at its own path; this one
 * lists its class, so that it does not also serve the application's resources. An application whose own
 * {@code Application} lists no classes (scans) serves {@link DashboardEndpoint} under its path too; listing its
 * classes keeps the dashboard at {@code nebula/api} only (docs/operations.md, "Dashboard").
 */
@ApplicationPath("nebula/api")
public class NebulaDashboardApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(DashboardEndpoint.class, ClusterEndpoint.class);
    }
}
