package io.nebula.resource.cluster.redis;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Kind {@code cluster-test-token}: pooled tokens made in memory, with no backend. The three-process tests
 * ({@link ClusterAcrossProcessesTest}) lease it for 100 tenants per node: what they measure is the cluster stage's
 * count, and a real backend per tenant pool would cost hundreds of connections to the shared services for nothing.
 */
public class TokenProvider implements ResourceProvider<TokenProvider.Token> {

    private static final AtomicLong IDS = new AtomicLong();

    /** One instance. */
    public record Token(long id) {
    }

    @Override
    public String kind() {
        return "cluster-test-token";
    }

    @Override
    public Class<Token> type() {
        return Token.class;
    }

    @Override
    public Token create(ResourceSettings settings) {
        return new Token(IDS.incrementAndGet());
    }

    @Override
    public HealthStatus check(Token instance, CheckDepth depth) {
        return HealthStatus.up();
    }

    @Override
    public void destroy(Token instance) {
    }
}
