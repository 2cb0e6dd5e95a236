package io.nebula.resource.provider.testing;

import io.nebula.resource.cdi.NebulaExtension;
import org.jboss.weld.junit5.WeldInitiator;

/** Weld SE with the Nebula extension and the given bean classes, without bean discovery. */
public final class NebulaWeld {

    private NebulaWeld() {
    }

    /** The container of a {@link NebulaWeldTest}: the extension, {@code beanClasses}, and the test class itself for injection. */
    public static WeldInitiator of(Class<?>... beanClasses) {
        return WeldInitiator.from(WeldInitiator.createWeld()
                        .addExtension(new NebulaExtension())
                        .addBeanClass(Placeholder.class) // Weld SE refuses to start without any bean class
                        .addBeanClasses(beanClasses))
                .build();
    }

    /** A bean that does nothing. */
    public static class Placeholder {
    }
}
