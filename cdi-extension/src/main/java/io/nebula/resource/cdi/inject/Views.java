package io.nebula.resource.cdi.inject;

import io.nebula.resource.spi.ResourceProvider;

/** Which of a provider's types serves a requested type. */
public final class Views {

    private Views() {
    }

    /**
     * The type that serves {@code requested}: the provider's own type or one of its
     * {@linkplain ResourceProvider#views() views} when it is exactly that; otherwise the provider's type if
     * {@code requested} is a supertype of it, else the first view that is; {@code null} when none is.
     * Exact matches come first because a view may be a supertype of the provider's type (an
     * {@code AgroalDataSource} offered as {@code DataSource}): asked for {@code DataSource}, the view serves.
     */
    public static Class<?> viewFor(ResourceProvider<?> provider, Class<?> requested) {
        if (requested == provider.type() || provider.views().contains(requested)) {
            return requested;
        }
        if (requested.isAssignableFrom(provider.type())) {
            return provider.type();
        }
        for (Class<?> view : provider.views()) {
            if (requested.isAssignableFrom(view)) {
                return view;
            }
        }
        return null;
    }

    /** {@code Type (views: A, B)}, for messages. */
    public static String describe(ResourceProvider<?> provider) {
        StringBuilder b = new StringBuilder(provider.type().getName());
        if (!provider.views().isEmpty()) {
            b.append(" (views: ");
            provider.views().stream().map(Class::getName).sorted()
                    .forEach(v -> b.append(b.charAt(b.length() - 1) == ' ' ? "" : ", ").append(v));
            b.append(')');
        }
        return b.toString();
    }
}
