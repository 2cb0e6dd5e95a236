package io.nebula.resource.provider.testing;

import jakarta.enterprise.inject.spi.Extension;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.junit5.WeldInitiator;

/** Weld SE with the Nebula extension and the given bean classes, without bean discovery. */
public final class NebulaWeld {

    /**
     * Named, not imported: the extension's own tests use this module, so it cannot depend on the extension without a
     * cycle in the build. Whoever uses it has the extension ({@code nebula-resource-cdi}) on the class path.
     */
    private static final String EXTENSION = "io.nebula.resource.cdi.NebulaExtension";

    private NebulaWeld() {
    }

    /** The container of a {@link NebulaWeldTest}: the extension, {@code beanClasses}, and the test class itself for injection. */
    public static WeldInitiator of(Class<?>... beanClasses) {
        return WeldInitiator.from(container(beanClasses)).build();
    }

    /** The same, as a {@link Weld} to add to (extensions, interceptors, alternatives) before it is built. */
    public static Weld container(Class<?>... beanClasses) {
        return WeldInitiator.createWeld()
                .addExtension(extension())
                .addBeanClass(Placeholder.class) // Weld SE refuses to start without any bean class
                .addBeanClasses(beanClasses);
    }

    private static Extension extension() {
        try {
            return (Extension) Class.forName(EXTENSION).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("nebula-resource-cdi is not on the test class path: " + EXTENSION
                    + " could not be made", e);
        }
    }

    /** A bean that does nothing. */
    public static class Placeholder {
    }
}
