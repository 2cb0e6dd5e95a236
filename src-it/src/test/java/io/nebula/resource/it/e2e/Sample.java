package io.nebula.resource.it.e2e;

import io.nebula.resource.it.support.Container;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample running on the server the build started, seen through HTTP as its users see it. */
final class Sample {

    static final String BASE = Container.baseUrl();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Sample() {
    }

    /** Runs a workflow for a tenant, checks that every action succeeded, and returns the run. */
    static JsonObject runOk(String workflow, String tenant) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/api/workflows/" + workflow
                        + "?tenant=" + tenant)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s for %s: %s", workflow, tenant, response.body()).isEqualTo(200);
        JsonObject run = json(response.body());
        assertThat(run.getString("outcome")).isEqualTo("ok");
        return run;
    }

    /** The result of one action of a run. */
    static JsonObject step(JsonObject run, String action) {
        return run.getJsonArray("steps").getValuesAs(JsonObject.class).stream()
                .filter(s -> s.getString("action").equals(action)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + action + " in " + run));
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    static Map<String, JsonObject> byName(JsonArray array, String key) {
        return array.getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(o -> o.getString(key), Function.identity()));
    }

    static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
