package io.nebula.resource.spi;

/**
 * A budget of physical instances a provider may hold open at once (a database's sessions), shared with other pools
 * and other nodes: the cluster-wide {@code cluster.max-instances} and {@code cluster.tenant.max-instances}
 * (docs/cluster.md). A provider that opens its own physical connections (a JDBC pool) calls {@link #take} right
 * before opening one and {@link #give} once for each taken, when that connection is closed or could not be opened.
 * Given to a new instance by {@link ResourceProvider#budgetInstances}, only when such a limit is set.
 *
 * <p>{@code take} never waits on the budget's backend longer than its bound; it does not wait for a permit either.
 */
public interface InstanceBudget {

    /** No limit: every creation is allowed and nothing is counted. */
    InstanceBudget UNLIMITED = new InstanceBudget() {
        @Override
        public void take() {
        }

        @Override
        public void give() {
        }

        @Override
        public String toString() {
            return "InstanceBudget.UNLIMITED";
        }
    };

    /**
     * Takes the permit for one physical instance about to be opened; the caller must not open it unless this returns.
     *
     * @throws io.nebula.resource.QuotaExceededException when the budget is spent across the cluster; its
     *         {@code limit()} is the key ({@code cluster.max-instances} or {@code cluster.tenant.max-instances})
     */
    void take();

    /** Gives back the permit of one instance taken with {@link #take}: it was closed, or its opening failed. */
    void give();
}
