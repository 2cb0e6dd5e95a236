package io.nebula.resource.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.nebula.resource.benchmarks.nebula.NebulaPools;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.core.ResourcePool;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pools of the hit-cycle suite are full before measurement and keep every instance idle between
 * cycles: otherwise the suite would measure creations, not hits, and its figures would be wrong.
 */
class PeersTest {

    private static final int SIZE = 16;

    @Test
    void commonsPool2KeepsEveryReturnedObjectIdleBeyondItsDefaultMaxIdleOfEight() throws Exception {
        GenericObjectPool<Widget> pool = Peers.commonsPool2(SIZE);
        try {
            assertThat(pool.getNumIdle()).isEqualTo(SIZE);
            assertThat(pool.getCreatedCount()).isEqualTo(SIZE);
            Widget w = pool.borrowObject();
            pool.returnObject(w);
            assertThat(pool.getCreatedCount()).as("a hit creates nothing").isEqualTo(SIZE);
        } finally {
            pool.close();
        }
    }

    @Test
    void connectionPoolsHandOutStubConnectionsFromAFullPool() throws Exception {
        try (HikariDataSource hikari = Peers.hikari(SIZE)) {
            assertThat(hikari.getHikariPoolMXBean().getTotalConnections()).isEqualTo(SIZE);
            try (Connection c = hikari.getConnection()) {
                assertThat(c.isWrapperFor(Class.forName("io.nebula.resource.benchmarks.stub.StubConnection"))).isTrue();
            }
        }
        try (AgroalDataSource agroal = Peers.agroal(SIZE)) {
            try (Connection c = agroal.getConnection()) {
                assertThat(c.getAutoCommit()).isTrue();
                assertThat(c.isValid(1)).isTrue();
            }
        }
    }

    @Test
    void h2PoolsHandOutConnectionsToTheSuitesInMemoryDatabase() throws Exception {
        try (HikariDataSource hikari = Peers.hikariH2(4);
             AgroalDataSource agroal = Peers.agroalH2(4);
             AgroalDataSource likeNebula = Peers.agroalConfiguredLikeNebulaH2(4)) {
            assertThat(hikari.getHikariPoolMXBean().getTotalConnections()).isEqualTo(4);
            for (javax.sql.DataSource ds : List.of(hikari, agroal, likeNebula)) {
                try (Connection c = ds.getConnection()) {
                    assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("H2");
                    assertThat(Peers.H2_URL).startsWith(c.getMetaData().getURL());
                    assertThat(c.getAutoCommit()).isTrue();
                }
            }
            try (Connection own = DriverManager.getConnection(Peers.H2_URL);
                 ResultSet sessions = own.createStatement().executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
                sessions.next();
                assertThat(sessions.getLong(1)).as("the three pools' connections and this one").isEqualTo(3 * 4 + 1);
            }
        }
    }

    @Test
    void nebulaCorePoolIsFullAndIdleBeforeTheFirstMeasuredCycle() {
        try (ResourcePool<Widget> pool = NebulaPools.full("widgets", new WidgetProvider(), SIZE)) {
            assertThat(pool.snapshot().size()).isEqualTo(SIZE);
            assertThat(pool.snapshot().idle()).isEqualTo(SIZE);
        }
    }

    @Test
    void contendedPoolsHaveHalfAsManyInstancesAsThreads() {
        assertThat(Contention.UNCONTENDED.poolSize(16)).isEqualTo(16);
        assertThat(Contention.CONTENDED.poolSize(16)).isEqualTo(8);
        assertThat(Contention.CONTENDED.poolSize(4)).isEqualTo(2);
    }
}
