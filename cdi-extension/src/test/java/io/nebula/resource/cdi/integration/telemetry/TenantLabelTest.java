package io.nebula.resource.cdi.integration.telemetry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tenant attribute of metrics takes at most {@value TenantLabel#MAX} values besides {@code other}. */
class TenantLabelTest {

    @Test
    void theFirstTenantsKeepTheirIdLaterOnesAreOther() {
        TenantLabel label = new TenantLabel();
        for (int i = 0; i < TenantLabel.MAX; i++) {
            assertThat(label.of("tenant-" + i)).isEqualTo("tenant-" + i);
        }
        assertThat(label.of("tenant-late")).isEqualTo(TenantLabel.OTHER);
        assertThat(label.of("tenant-0")).as("a tenant seen before keeps its id").isEqualTo("tenant-0");
        assertThat(label.of(null)).isNull();
    }
}
