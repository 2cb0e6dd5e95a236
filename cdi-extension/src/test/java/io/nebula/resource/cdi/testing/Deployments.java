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

    public static Weld container(Class<?>... beanClasses) {
        return WeldInitiator.createWeld().addExtension(new NebulaExtension()).addBeanClasses(beanClasses);
    }
}
