package io.nebula.resource.dashboard;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import io.nebula.resource.admin.AdminAction;
import io.nebula.resource.admin.AdminChange;
import io.nebula.resource.admin.ResourceAdmin;
import io.nebula.resource.admin.ResourcePausedException;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.inject.literal.NamedLiteral;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.security.Principal;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dashboard's JAX-RS resource on Weld SE with the extension and an embedded H2 resource: the bean the container
 * makes, its methods called as JAX-RS would call them, with the caller's {@link SecurityContext} (what the container
 * gives the {@code @Context} field). Each action reaches the running resource for a caller in {@code nebula-admin}
 * and is refused (403), changing nothing, for any other; 404 for an unknown resource, 400 naming the key, 503 when
 * no {@link ResourceAdmin} can be had. RESTEasy core (test scope) builds the {@link Response}s, Yasson writes the JSON.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=h2",
        "nebula.resource.orders-db.url=jdbc:h2:mem:dashboard-endpoint-test;DB_CLOSE_DELAY=-1",
        "nebula.resource.orders-db.pool.min-size=0",
        "nebula.resource.orders-db.pool.max-size=4",
        "nebula.resource.orders-db.pool.acquire-timeout=2s",
        "nebula.resource.store.kind=h2",
        "nebula.resource.store.url=jdbc:h2:mem:dashboard-endpoint-store;DB_CLOSE_DELAY=-1",
        "nebula.resource.store.scope=tenant"})
class DashboardEndpointTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(DashboardEndpoint.class);

    @Inject
    DashboardEndpoint endpoint;

    @Inject
    Resources resources;

    @Inject
    ResourceStatistics statistics;

    /** A caller as the container authenticated it. */
    record Caller(String name, Set<String> roles) implements SecurityContext {
        static final Caller ADMIN = new Caller("alice", Set.of(DashboardEndpoint.ADMIN_ROLE));
        static final Caller VIEWER = new Caller("bob", Set.of("viewer"));
        static final Caller ANONYMOUS = new Caller(null, Set.of(DashboardEndpoint.ADMIN_ROLE));

        @Override
        public Principal getUserPrincipal() {
            return name == null ? null : () -> name;
        }

        @Override
        public boolean isUserInRole(String role) {
            return roles.contains(role);
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String getAuthenticationScheme() {
            return BASIC_AUTH;
        }
    }

    private DashboardEndpoint as(Caller caller) {
        endpoint.security = caller;
        return endpoint;
    }

    @Test
    void theFiguresAreOneRowPerResourceInNameOrderWithEveryFieldOfTheJson() throws Exception {
        DashboardEndpoint.Report report = as(Caller.VIEWER).figures();

        assertThat(report.resources()).extracting(ResourceView::name).containsExactly("orders-db", "store");
        ResourceView orders = report.resources().get(0);
        assertThat(orders.kind()).isEqualTo("h2");
        assertThat(orders.scope()).isEqualTo("global");
        assertThat(orders.health()).isEqualTo("UP");
        assertThat(orders.max()).isEqualTo(4);
        assertThat(orders.circuitState()).isEqualTo("CLOSED");
        assertThat(orders.p99AcquisitionMs()).as("no acquisition yet").isNull();

        JsonObject json;
        try (Jsonb jsonb = JsonbBuilder.create()) {
            json = Json.createReader(new StringReader(jsonb.toJson(report))).readObject();
        }
        JsonObject row = json.getJsonArray("resources").getJsonObject(0);
        assertThat(row.keySet()).containsExactlyInAnyOrder("name", "kind", "scope", "state", "health", "healthMessage",
                "downDependencies", "utilization", "active", "idle", "pending", "max", "min", "p99AcquisitionMs",
                "errorRate", "circuitState", "dependsOn", "tenants");
        assertThat(row.isNull("p99AcquisitionMs")).as("null written, not left out").isTrue();
        assertThat(row.getInt("max")).isEqualTo(4);
        assertThat(json.getJsonArray("resources").getJsonObject(1).getString("scope")).isEqualTo("tenant");
    }

    @Test
    void anAdminsResizeChangesThePoolsMaximumAndAnswersWithTheChange() {
        Response answer = as(Caller.ADMIN).resize("orders-db", body("{\"max\": 7}"));

        assertThat(answer.getStatus()).isEqualTo(200);
        AdminChange change = (AdminChange) answer.getEntity();
        assertThat(change.principal()).isEqualTo("alice");
        assertThat(change.after()).containsEntry("pool.max-size", "7");
        assertThat(statistics.of("orders-db").pool().maxSize()).isEqualTo(7);
        assertThat(endpoint.figures().resources().get(0).max()).isEqualTo(7);

        assertThat(endpoint.resize("orders-db", body("{\"min\": 1, \"max\": 5}")).getStatus()).isEqualTo(200);
        assertThat(statistics.of("orders-db").pool().maxSize()).isEqualTo(5);
        assertThat(statistics.of("orders-db").pool().minSize()).isEqualTo(1);
    }

    @Test
    void eachOtherActionReachesTheRunningResource() throws Exception {
        DashboardEndpoint admin = as(Caller.ADMIN);
        ManagedResource<?> orders = resources.find("orders-db").orElseThrow();

        assertThat(action(admin.pause("orders-db"))).isEqualTo(AdminAction.PAUSE);
        assertThatThrownBy(orders::acquire).isInstanceOf(ResourcePausedException.class);
        assertThat(action(admin.resume("orders-db"))).isEqualTo(AdminAction.RESUME);
        try (Lease<?> lease = orders.acquire()) {
            assertThat(lease.isOpen()).isTrue();
        }

        assertThat(action(admin.drain("orders-db", body("{\"timeoutSeconds\": 1}")))).isEqualTo(AdminAction.DRAIN);
        assertThatThrownBy(orders::acquire).isInstanceOf(ResourcePausedException.class)
                .satisfies(e -> assertThat(((ResourcePausedException) e).action()).isEqualTo(AdminAction.DRAIN));
        assertThat(action(admin.resume("orders-db"))).isEqualTo(AdminAction.RESUME);

        assertThat(action(admin.quarantine("orders-db", body("{\"reason\": \"replica check\"}")))).isEqualTo(AdminAction.QUARANTINE);
        assertThatThrownBy(orders::acquire).isInstanceOf(AcquisitionTimeoutException.class)
                .satisfies(e -> assertThat(((AcquisitionTimeoutException) e).reason())
                        .isEqualTo(AcquisitionTimeoutException.Reason.QUARANTINED));
        assertThat(action(admin.release("orders-db"))).isEqualTo(AdminAction.RELEASE);
        try (Lease<?> lease = orders.acquire()) {
            assertThat(lease.isOpen()).isTrue();
        }

        assertThat(action(admin.resetCircuit("orders-db"))).isEqualTo(AdminAction.RESET_CIRCUIT);
        assertThat(statistics.of("orders-db").circuit()).contains("closed");

        Response quota = admin.quota("store", "acme", body("{\"tenant.quota.max-concurrent-leases\": \"3\"}"));
        assertThat(action(quota)).isEqualTo(AdminAction.TENANT_QUOTA);
        assertThat(((AdminChange) quota.getEntity()).tenant()).isEqualTo("acme");
        assertThat(((AdminChange) quota.getEntity()).after()).containsEntry("tenant.quota.max-concurrent-leases", "3");
    }

    @Test
    void aCallerWithoutTheRoleIsRefusedEveryActionWith403AndNothingChanges() throws Exception {
        for (Caller caller : List.of(Caller.VIEWER, Caller.ANONYMOUS)) {
            DashboardEndpoint refused = as(caller);
            for (Function<DashboardEndpoint, Response> action : everyAction()) {
                Response answer = action.apply(refused);
                assertThat(answer.getStatus()).as(caller.name()).isEqualTo(403);
                assertThat(((DashboardEndpoint.Refusal) answer.getEntity()).error()).contains("nebula-admin");
            }
        }

        assertThat(statistics.of("orders-db").pool().maxSize()).isEqualTo(4);
        assertThat(resources.find("orders-db").orElseThrow().health().status().name()).isEqualTo("UP");
        try (Lease<?> lease = resources.find("orders-db").orElseThrow().acquire()) {
            assertThat(lease.isOpen()).as("neither paused, drained nor quarantined").isTrue();
        }
        assertThat(as(Caller.VIEWER).me().admin()).isFalse();
        assertThat(as(Caller.ADMIN).me()).isEqualTo(new DashboardEndpoint.Caller("alice", true));
    }

    @Test
    void anUnknownResourceIs404() {
        DashboardEndpoint admin = as(Caller.ADMIN);

        assertThat(admin.pause("no-such-db").getStatus()).isEqualTo(404);
        assertThat(admin.resize("no-such-db", body("{\"max\": 3}")).getStatus()).isEqualTo(404);
        assertThat(admin.history("no-such-db").getStatus()).isEqualTo(404);
        assertThat(((DashboardEndpoint.Refusal) admin.pause("no-such-db").getEntity()).error()).contains("no-such-db");
    }

    @Test
    void badInputIs400WithEachProblemUnderItsKeyAndChangesNothing() {
        DashboardEndpoint admin = as(Caller.ADMIN);

        assertThat(problemKeys(admin.resize("orders-db", body("{\"min\": 0, \"max\": 0}"))))
                .containsExactly("nebula.resource.orders-db.pool.max-size");
        assertThat(problemKeys(admin.resize("orders-db", body("{\"min\": 1}")))).containsExactly("max");
        assertThat(problemKeys(admin.resize("orders-db", body("{\"max\": \"many\"}")))).containsExactly("max");
        assertThat(problemKeys(admin.quarantine("orders-db", body("{}")))).containsExactly("reason");
        assertThat(problemKeys(admin.drain("orders-db", body("{\"timeoutSeconds\": \"soon\"}")))).containsExactly("timeoutSeconds");
        assertThat(problemKeys(admin.quota("store", "acme", body("{}")))).containsExactly("body");

        assertThat(statistics.of("orders-db").pool().maxSize()).isEqualTo(4);
        assertThat(resources.find("orders-db").orElseThrow().health().status().name()).isEqualTo("UP");
    }

    /**
     * An application without a {@link ResourceAdmin} bean: the endpoint's {@code Instance} is the container's own
     * selection of one that no bean satisfies (a qualifier nothing has), so {@code isResolvable()} is false as it
     * would be. The Liberty sample always has the bean; this is where the 503 is tested.
     */
    @Test
    void withoutAResourceAdminEveryActionIs503() {
        DashboardEndpoint endpoint = new DashboardEndpoint();
        endpoint.resources = resources;
        endpoint.statistics = statistics;
        endpoint.admin = weld.select(ResourceAdmin.class, NamedLiteral.of("no-such-bean"));
        endpoint.security = Caller.ADMIN;
        assertThat(endpoint.admin.isResolvable()).isFalse();

        for (Function<DashboardEndpoint, Response> action : everyAction()) {
            Response answer = action.apply(endpoint);
            assertThat(answer.getStatus()).isEqualTo(503);
            assertThat(((DashboardEndpoint.Refusal) answer.getEntity()).error()).contains("no ResourceAdmin");
        }
        assertThat(endpoint.figures().resources()).as("the figures are still read").hasSize(2);
    }

    // ------------------------------------------------------------------------------------------------

    private static List<Function<DashboardEndpoint, Response>> everyAction() {
        return List.of(
                e -> e.resize("orders-db", body("{\"max\": 2}")),
                e -> e.pause("orders-db"),
                e -> e.resume("orders-db"),
                e -> e.drain("orders-db", body("{\"timeoutSeconds\": 1}")),
                e -> e.quarantine("orders-db", body("{\"reason\": \"x\"}")),
                e -> e.release("orders-db"),
                e -> e.resetCircuit("orders-db"),
                e -> e.quota("store", "acme", body("{\"tenant.quota.max-concurrent-leases\": \"1\"}")));
    }

    private static AdminAction action(Response answer) {
        assertThat(answer.getStatus()).as(String.valueOf(answer.getEntity())).isEqualTo(200);
        return ((AdminChange) answer.getEntity()).action();
    }

    private static List<String> problemKeys(Response answer) {
        assertThat(answer.getStatus()).isEqualTo(400);
        return ((DashboardEndpoint.Refusal) answer.getEntity()).problems().stream()
                .map(DashboardEndpoint.Problem::key).toList();
    }

    private static JsonObject body(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }
}
