package io.nebula.resource.cdi.inject;

import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.AnnotatedField;
import jakarta.enterprise.inject.spi.AnnotatedParameter;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.inject.Provider;

import java.lang.annotation.Annotation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * An injection point of a declared resource: the name, the type it wants (unwrapped from
 * {@code Instance<T>}/{@code Provider<T>}) and where it is, for messages.
 */
public record ResourceInjectionPoint(String name, Type type, String where) {

    public static Optional<ResourceInjectionPoint> of(InjectionPoint ip) {
        for (Annotation q : ip.getQualifiers()) {
            if (q instanceof NebulaResource r) {
                return Optional.of(new ResourceInjectionPoint(r.value(), unwrap(ip.getType()), describe(ip)));
            }
        }
        return Optional.empty();
    }

    /** The full name of the type it wants, whichever container made the {@link Type}: for messages and keys. */
    public String typeName() {
        return TypeNames.of(type);
    }

    /** Whether it asks for a {@link Lease}. */
    boolean wantsLease() {
        return rawType(type) == Lease.class;
    }

    /** The class of the instance it wants: {@code T} for {@code T} and for {@code Lease<T>}; null for a lease of anything. */
    public Class<?> instanceClass() {
        if (!wantsLease()) {
            return rawType(type);
        }
        return type instanceof ParameterizedType p ? rawType(p.getActualTypeArguments()[0]) : null;
    }

    static Class<?> rawType(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private static Type unwrap(Type type) {
        if (type instanceof ParameterizedType p && (p.getRawType() == Instance.class || p.getRawType() == Provider.class)) {
            return p.getActualTypeArguments()[0];
        }
        return type;
    }

    private static String describe(InjectionPoint ip) {
        String owner = ip.getMember() == null ? "?" : ip.getMember().getDeclaringClass().getName();
        if (ip.getAnnotated() instanceof AnnotatedField<?> field) {
            return "field " + owner + "." + field.getJavaMember().getName();
        }
        if (ip.getAnnotated() instanceof AnnotatedParameter<?> parameter) {
            return "parameter " + parameter.getPosition() + " of " + owner + "." + ip.getMember().getName();
        }
        return "injection point " + ip;
    }
}
