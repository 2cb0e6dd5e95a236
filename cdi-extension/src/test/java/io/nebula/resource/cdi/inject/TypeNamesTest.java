package io.nebula.resource.cdi.inject;

import io.nebula.resource.Lease;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A type's name is the same whoever implemented the {@link Type}: the JDK's reflection, the extension's own
 * {@link LeaseType}, or a container's (OpenWebBeans' {@code toString()} writes simple names).
 */
class TypeNamesTest {

    @SuppressWarnings("unused")
    private Lease<Runnable> lease;

    @SuppressWarnings("unused")
    private Map<String, List<? extends Supplier<Runnable>>[]> nested;

    /** A {@code ParameterizedType} as OpenWebBeans makes one: equal to the JDK's, but written with simple names. */
    private record SimpleNamedType(Class<?> raw, Type... arguments) implements ParameterizedType {

        @Override
        public Type[] getActualTypeArguments() {
            return arguments;
        }

        @Override
        public Type getRawType() {
            return raw;
        }

        @Override
        public Type getOwnerType() {
            return null;
        }

        @Override
        public String toString() {
            return raw.getSimpleName() + "<" + ((Class<?>) arguments[0]).getSimpleName() + ">";
        }
    }

    @Test
    void aLeaseTypeHasOneNameWhicheverImplementationMadeIt() throws Exception {
        Type reflected = TypeNamesTest.class.getDeclaredField("lease").getGenericType();
        Type containers = new SimpleNamedType(Lease.class, Runnable.class);

        assertThat(containers.getTypeName()).as("the container's own text differs").isEqualTo("Lease<Runnable>");
        assertThat(TypeNames.of(containers))
                .isEqualTo(TypeNames.of(reflected))
                .isEqualTo(TypeNames.of(new LeaseType(Runnable.class)))
                .isEqualTo("io.nebula.resource.Lease<java.lang.Runnable>");
    }

    @Test
    void nestedArgumentsWildcardsAndArraysAreWrittenInFull() throws Exception {
        Type reflected = TypeNamesTest.class.getDeclaredField("nested").getGenericType();

        assertThat(TypeNames.of(reflected)).isEqualTo(reflected.getTypeName().replace(", ", ","))
                .isEqualTo("java.util.Map<java.lang.String,java.util.List<? extends java.util.function.Supplier<java.lang.Runnable>>[]>");
    }
}
