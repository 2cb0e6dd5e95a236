package io.nebula.resource.cdi.inject;

import io.nebula.resource.Lease;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Objects;

/** The type {@code Lease<T>}, for the lease beans of a resource's own type and views. */
record LeaseType(Type instanceType) implements ParameterizedType {

    @Override
    public Type[] getActualTypeArguments() {
        return new Type[] {instanceType};
    }

    @Override
    public Type getRawType() {
        return Lease.class;
    }

    @Override
    public Type getOwnerType() {
        return null;
    }

    @Override
    public String getTypeName() {
        return Lease.class.getName() + "<" + instanceType.getTypeName() + ">";
    }

    /** Equal to any {@code Lease<T>} type of the same argument, whoever implemented it. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterizedType p && p.getRawType() == Lease.class && p.getOwnerType() == null
                && Arrays.equals(p.getActualTypeArguments(), getActualTypeArguments());
    }

    /** As the JDK's own {@code ParameterizedType} computes it, so mixed sets and maps work. */
    @Override
    public int hashCode() {
        return Arrays.hashCode(getActualTypeArguments()) ^ Objects.hashCode(null) ^ Lease.class.hashCode();
    }

    @Override
    public String toString() {
        return getTypeName();
    }
}
