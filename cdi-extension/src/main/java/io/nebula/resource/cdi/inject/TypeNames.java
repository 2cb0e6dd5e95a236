package io.nebula.resource.cdi.inject;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The full name of a type, the same whichever implementation of {@link Type} the container hands over.
 * {@link Type#getTypeName()} is no such name: its default is {@code toString()}, and OpenWebBeans' own
 * {@code ParameterizedType} writes simple names ({@code Lease<Channel>}), where the JDK's and Weld's write
 * {@code io.nebula.resource.Lease<io.nebula.resource.it.support.Channel>}. A lease bean keyed by that text was
 * registered twice on OpenWebBeans (once for the resource's type, once for the injection point's), which made
 * every {@code Lease<T>} injection ambiguous there.
 */
final class TypeNames {

    private TypeNames() {
    }

    static String of(Type type) {
        if (type instanceof Class<?> c) {
            return c.isArray() ? of(c.getComponentType()) + "[]" : c.getName();
        }
        if (type instanceof ParameterizedType p) {
            String raw = p.getOwnerType() == null ? of(p.getRawType()) : of(p.getOwnerType()) + "$" + simpleName(p.getRawType());
            return raw + Arrays.stream(p.getActualTypeArguments()).map(TypeNames::of).collect(Collectors.joining(",", "<", ">"));
        }
        if (type instanceof GenericArrayType a) {
            return of(a.getGenericComponentType()) + "[]";
        }
        if (type instanceof WildcardType w) {
            if (w.getLowerBounds().length > 0) {
                return "? super " + bounds(w.getLowerBounds());
            }
            boolean unbounded = w.getUpperBounds().length == 0 || w.getUpperBounds()[0] == Object.class;
            return unbounded ? "?" : "? extends " + bounds(w.getUpperBounds());
        }
        if (type instanceof TypeVariable<?> v) {
            return v.getName();
        }
        return type.getTypeName();
    }

    private static String bounds(Type[] types) {
        return Arrays.stream(types).map(TypeNames::of).collect(Collectors.joining(" & "));
    }

    private static String simpleName(Type raw) {
        return raw instanceof Class<?> c ? c.getSimpleName() : of(raw);
    }
}
