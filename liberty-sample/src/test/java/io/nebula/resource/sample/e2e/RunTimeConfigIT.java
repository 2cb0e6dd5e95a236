package io.nebula.resource.sample.e2e;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.nebula.resource.sample.e2e.SampleServerIT.byName;
import static io.nebula.resource.sample.e2e.SampleServerIT.get;
import static io.nebula.resource.sample.e2e.SampleServerIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Configuration that changes while Open Liberty runs: the operator edits a {@code <variable>} in the server's
 * {@code configDropins/overrides/}, Liberty reads its configuration again (the tests' server polls every 500 ms) and
 * the MicroProfile Config property of that name changes; the extension's refresh ({@code nebula.config.refresh-interval},
 * 1 s on the tests' server) applies a changeable key to the live pool and warns once about one that cannot change.
 */
class RunTimeConfigIT {

    private static final String DROPIN = "e2e-run-time-config";
    private static final String MAX_SIZE = "nebula.resource.orders-db.pool.max-size";
    private static final String QUARANTINE_AFTER = "nebula.resource.orders-db.health.quarantine-after";
    private static final Duration APPLIED_WITHIN = Duration.ofSeconds(30);
    /** orders-db's pool.max-size in the sample's microprofile-config.properties. */
    private static final int DECLARED_MAX_SIZE = 10;

    private int started;

    @AfterEach
    void restore() {
        // without the drop-in the keys fall back to the sample's microprofile-config.properties, seen applied
        ServerFiles.removeOverrides(DROPIN);
        if (started > 0) {
            await().atMost(APPLIED_WITHIN).until(() -> readiness().getInt("max-size") == DECLARED_MAX_SIZE);
        }
    }

    @Test
    void aChangeableKeyChangedOnTheRunningServerIsAppliedAndOneThatCannotChangeIsWarnedAboutOnce() throws Exception {
        started = readiness().getInt("max-size");
        int smaller = started - 3;

        ServerFiles.overrides(DROPIN, Map.of(MAX_SIZE, String.valueOf(smaller)));

        await().atMost(APPLIED_WITHIN).untilAsserted(() -> {
            assertThat(readiness().getInt("max-size")).as("/health").isEqualTo(smaller);
            assertThat(resource().getInt("max")).as("/api/resources").isEqualTo(smaller);
        });
        assertThat(ServerFiles.messages("NEBULA-4403")).as("applied as an operator's change, by the refresh")
                .anySatisfy(l -> assertThat(l).contains("'orders-db'", "changed by config-refresh", "action=CONFIGURE",
                        "before={pool.max-size=" + started + "}", "after={pool.max-size=" + smaller + "}"));

        // health.quarantine-after is read once, when a pool is made (it adds or removes the quarantine stage): changed,
        // it is warned about and not applied
        ServerFiles.overrides(DROPIN, Map.of(MAX_SIZE, String.valueOf(smaller + 1), QUARANTINE_AFTER, "7"));
        await().atMost(APPLIED_WITHIN).untilAsserted(() -> {
            assertThat(readiness().getInt("max-size")).isEqualTo(smaller + 1);
            assertThat(ServerFiles.messages("NEBULA-4410 " + QUARANTINE_AFTER)).hasSize(1);
        });
        assertThat(ServerFiles.messages("NEBULA-4410 " + QUARANTINE_AFTER).get(0))
                .as("a warning, on the line that names the key").contains(" W ", "cannot change at run time");

        // later turns of the refresh (another change applied after it) do not warn again, and apply nothing of it
        ServerFiles.overrides(DROPIN, Map.of(MAX_SIZE, String.valueOf(smaller + 2), QUARANTINE_AFTER, "7"));
        await().atMost(APPLIED_WITHIN).until(() -> readiness().getInt("max-size") == smaller + 2);
        assertThat(ServerFiles.messages("NEBULA-4410 " + QUARANTINE_AFTER)).as("warned once").hasSize(1);
        List<String> applied = ServerFiles.messages("NEBULA-4403 Resource 'orders-db'");
        assertThat(applied).as("the refresh applied the size, twice since").hasSizeGreaterThanOrEqualTo(3)
                .noneMatch(l -> l.contains("quarantine-after"));
    }

    /** orders-db's readiness check in {@code /health}: its data. */
    static JsonObject readiness() throws Exception {
        return json(get("/health")).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("nebula-resource:orders-db:readiness"))
                .findFirst().orElseThrow().getJsonObject("data");
    }

    static JsonObject resource() throws Exception {
        return byName(json(get("/api/resources")).getJsonArray("resources")).get("orders-db");
    }
}
