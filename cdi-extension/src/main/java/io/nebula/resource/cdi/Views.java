package io.nebula.resource.cdi;

import io.nebula.resource.spi.ResourceProvider;

/** Which of a provider's types serves a requested type. */
final class Views {

    private Views() {
    }

    /**
     * The provider's own type if {@code requested} is it or a supertype of it; otherwise the first of its
     * {@linkplain ResourceProvider#views() views} that is; {@code null} when none is.
     */
    static Class<?> viewFor(ResourceProvider<?> provider, Class<?> requested) {
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
    static String describe(ResourceProvider<?> provider) {
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
