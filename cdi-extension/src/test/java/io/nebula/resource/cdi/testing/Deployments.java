package io.nebula.resource.cdi.testing;

import io.nebula.resource.cdi.NebulaExtension;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.junit5.WeldInitiator;

/** Weld SE with the extension and the given bean classes, no discovery. */
public final class Deployments {

    private Deployments() {
    }

    public static WeldInitiator weld(Class<?>... beanClasses) {
        return WeldInitiator.from(container(beanClasses)).build();
    }

    /** Weld SE refuses to start with no bean class at all; a test that needs only the extension's beans gets this one. */
    public static Weld container(Class<?>... beanClasses) {
        return WeldInitiator.createWeld().addExtension(new NebulaExtension()).addBeanClass(Placeholder.class)
                .addBeanClasses(beanClasses);
    }

    /** A bean that does nothing. */
    public static class Placeholder {
    }
}
