package io.nebula.resource.cdi.inject;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What no container can proxy, so that deployment names the key that asks for a proxy instead of failing in Weld. */
class ClientProxiesTest {

    static class Plain {
        void use() {
        }
    }

    static final class Final {
    }

    static class WithFinalMethod {
        final void use() {
        }
    }

    static class InheritsFinalMethod extends WithFinalMethod {
    }

    static class WithPrivateAndStaticFinals {
        @SuppressWarnings("unused")
        private final void hidden() {
        }

        static final void helper() {
        }
    }

    @Test
    void interfacesAndPlainClassesCanBeProxied() {
        assertThat(ClientProxies.whyNotProxyable(List.class)).isNull();
        assertThat(ClientProxies.whyNotProxyable(Plain.class)).isNull();
        assertThat(ClientProxies.whyNotProxyable(WithPrivateAndStaticFinals.class))
                .as("a proxy overrides neither private nor static methods").isNull();
    }

    @Test
    void aFinalClassOrAFinalMethodCannot() {
        assertThat(ClientProxies.whyNotProxyable(Final.class)).isEqualTo("is final");
        assertThat(ClientProxies.whyNotProxyable(WithFinalMethod.class)).isEqualTo("has the final method use()");
        assertThat(ClientProxies.whyNotProxyable(InheritsFinalMethod.class)).isEqualTo("has the final method use()");
        assertThat(ClientProxies.whyNotProxyable(int.class)).isEqualTo("is a primitive or array type");
    }
}
