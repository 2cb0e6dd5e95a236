package io.nebula.resource.cdi.integration.health;

/** Whether the MicroProfile Health API is on the class path; this class itself references none of it. */
public final class HealthApi {

    public static final boolean AVAILABLE = present();

    private HealthApi() {
    }

    private static boolean present() {
        try {
            Class.forName("org.eclipse.microprofile.health.HealthCheck", false, HealthApi.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
