package io.nebula.resource;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceContextTest {

    @Test
    void fallsBackToTheNearestBroaderActiveScope() {
        ResourceContext inExecution = new ResourceContext("acme", "orders", "ex-1", null);
        assertThat(inExecution.effectiveScope(ResourceScope.ACTION)).isEqualTo(ResourceScope.EXECUTION);
        assertThat(inExecution.effectiveScope(ResourceScope.TENANT)).isEqualTo(ResourceScope.TENANT);
        assertThat(ResourceContext.GLOBAL.effectiveScope(ResourceScope.ACTION)).isEqualTo(ResourceScope.GLOBAL);
        ResourceContext tenantOnly = new ResourceContext("acme", null, null, null);
        assertThat(tenantOnly.effectiveScope(ResourceScope.WORKFLOW)).isEqualTo(ResourceScope.TENANT);
        assertThat(tenantOnly.narrowestScope()).isEqualTo(ResourceScope.TENANT);
    }

    @Test
    void scopesAndStrategiesParseTheirConfigSpelling() {
        assertThat(ResourceScope.parse("Execution")).contains(ResourceScope.EXECUTION);
        assertThat(ResourceScope.parse("session")).isEmpty();
        assertThat(PoolStrategy.parse("weighted-round-robin")).contains(PoolStrategy.WEIGHTED_ROUND_ROBIN);
        assertThat(PoolStrategy.parse("lifo")).contains(PoolStrategy.LIFO);
        assertThat(PoolStrategy.parse("random")).isEmpty();
        assertThat(ResourceScope.ACTION.broader()).contains(ResourceScope.EXECUTION);
        assertThat(ResourceScope.GLOBAL.broader()).isEmpty();
    }

    @Test
    void healthStatusKeepsTheWorstAndOnlyTheErrorsDescription() {
        assertThat(HealthStatus.Status.UP.worst(HealthStatus.Status.DOWN)).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(HealthStatus.Status.DEGRADED.worst(HealthStatus.Status.UP)).isEqualTo(HealthStatus.Status.DEGRADED);
        HealthStatus down = HealthStatus.down(new java.net.ConnectException("Connection refused"));
        assertThat(down.error()).contains("java.net.ConnectException: Connection refused");
        assertThat(down.withDetail("active", 3).details()).containsEntry("active", 3);
    }
}
