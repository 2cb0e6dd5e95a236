package io.nebula.resource.cdi;

import io.nebula.resource.ResourceStartException;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With {@code start.required=true}, an eager resource whose backend is down at start keeps the application from starting. */
@ExtendWith(TestConfigExtension.class)
@TestConfig({
        "nebula.resource.billing.kind=test-shared",
        "nebula.resource.billing.start=eager",
        "nebula.resource.billing.start.required=true",
        "nebula.resource.cache.kind=test-shared",
        "nebula.resource.cache.start=eager"})
class EagerStartRequiredTest {

    @Test
    void theApplicationDoesNotStartWhenARequiredResourceCannot() {
        TestBackend.down("billing");
        TestBackend.down("cache"); // not required: logged, and no reason to stop the application

        assertThatThrownBy(() -> NebulaWeld.container().initialize().close())
                .satisfies(e -> assertThat(causes(e)).anySatisfy(c -> assertThat(c)
                        .isInstanceOfSatisfying(ResourceStartException.class, s -> assertThat(s.resources())
                                .singleElement().asString().startsWith("billing (").contains("backend of billing is down"))
                        .hasMessageContaining("NEBULA-1007")
                        .hasMessageContaining("start.required=true")));
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable t = e; t != null && !all.contains(t); t = t.getCause()) {
            all.add(t);
        }
        return all;
    }
}
