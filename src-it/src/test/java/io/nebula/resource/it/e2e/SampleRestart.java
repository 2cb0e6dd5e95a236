package io.nebula.resource.it.e2e;

import io.nebula.resource.it.support.Container;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * Gives the running sample other configuration and restarts it, through a drop-in of the server's configuration
 * ({@code configDropins/overrides}, which the server polls): each key becomes a server {@code <variable>}, which
 * MicroProfile Config reads above the WAR's own {@code microprofile-config.properties}, and a fresh value under
 * the sample's {@code <webApplication>} makes the server restart it so that the extension reads its configuration
 * again. ({@code <appProperties>} would be the natural place for the keys, but the restarted application did not
 * see changed ones.) {@link #undo()} removes the drop-in and restarts the sample with its own configuration.
 */
final class SampleRestart {

    /** The server's message for each restart of an application. */
    private static final Pattern RESTARTED = Pattern.compile("CWWKZ0003I: The application liberty-sample updated");
    private static final Duration RESTART = Duration.ofMinutes(2);

    private final Path dropIn;

    SampleRestart(String name) {
        this.dropIn = Container.serverDirectory().resolve("configDropins").resolve("overrides").resolve(name + ".xml");
    }

    /** Restarts the sample with {@code keys} set, and waits until it answers again. */
    void with(Map<String, String> keys) throws IOException {
        StringBuilder xml = new StringBuilder("<server>\n");
        keys.forEach((k, v) -> xml.append("    <variable name=\"").append(k).append("\" value=\"").append(v).append("\"/>\n"));
        xml.append("    <webApplication id=\"liberty-sample\">\n        <appProperties>\n")
                .append("            <property name=\"it.restart\" value=\"").append(UUID.randomUUID()).append("\"/>\n")
                .append("        </appProperties>\n    </webApplication>\n</server>\n");
        restartAfter(() -> {
            Files.createDirectories(dropIn.getParent());
            Files.writeString(dropIn, xml, StandardCharsets.UTF_8);
        });
    }

    /** Restarts the sample with its own configuration again; nothing when there is nothing to undo. */
    void undo() throws IOException {
        if (Files.exists(dropIn)) {
            restartAfter(() -> Files.delete(dropIn));
        }
    }

    private interface Change {
        void make() throws IOException;
    }

    private static void restartAfter(Change change) throws IOException {
        int before = restarts();
        change.make();
        await().atMost(RESTART).pollInterval(Duration.ofMillis(250)).until(() -> restarts() > before);
        await().atMost(RESTART).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            HttpResponse<String> resources = Sample.get("/api/resources");
            return resources.statusCode() == 200 && resources.body().contains("\"name\":\"orders-db\"");
        });
    }

    private static int restarts() {
        Matcher m = RESTARTED.matcher(Container.messages());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
