package io.nebula.resource.core.tenant;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 16 point 5: limits no tenant pool could ever meet fail deployment, not every acquisition at run time. */
class TenantLimitsTest {

    @Test
    void maxInstancesBelowOnePoolsMaxSizeIsAProblemOfMaxInstances() {
        List<ConfigProblem> problems = TenantLimits.problems(settings(Map.of("tenant.max-instances", "5", "pool.max-size", "8")));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.orders.tenant.max-instances");
            assertThat(p.message()).contains("must be at least pool.max-size (8)").contains("was 5");
        });
    }

    @Test
    void thePoolsDefaultMaxSizeCountsToo() {
        assertThat(TenantLimits.problems(settings(Map.of("tenant.max-instances", "4")))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("pool.max-size (10)"));
    }

    @Test
    void maxInstancesThatHoldAtLeastOnePoolAreFine() {
        assertThat(TenantLimits.problems(settings(Map.of("tenant.max-instances", "8", "pool.max-size", "8")))).isEmpty();
        assertThat(TenantLimits.problems(settings(Map.of("tenant.max-instances", "0", "pool.max-size", "8")))).isEmpty();
    }

    private static ResourceSettings settings(Map<String, String> values) {
        return ResourceSettings.of("orders", "test", values);
    }
}
