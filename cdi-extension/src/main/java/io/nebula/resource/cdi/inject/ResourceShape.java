package io.nebula.resource.cdi.inject;

import io.nebula.resource.spi.ResourceProvider;

/**
 * What decides a declared resource's beans: its name, its provider's types and views, and whether it is injected as
 * one shared instance or through a client proxy. Known from the configuration alone, so a build compatible extension
 * plans the beans at build time; {@link InjectableResource} is the running resource.
 */
public interface ResourceShape {

    String name();

    ResourceProvider<?> provider();

    /** Whether injection points get the one shared instance itself rather than a proxy to a scoped lease. */
    boolean sharesOneInstance();

    /** The type an injection point or lookup of {@code requested} is served as: the provider's type or one of its views. */
    default Class<?> viewFor(Class<?> requested) {
        return Views.viewFor(provider(), requested);
    }
}
