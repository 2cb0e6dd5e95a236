package io.nebula.resource.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which Arquillian container the tests run on (the failsafe execution sets {@code arquillian.launch}), and
 * where the Liberty server the build started can be reached. Read on the client side, in the test JVM.
 */
public final class Container {

    private Container() {
    }

    public static boolean isLiberty() {
        return "liberty".equals(System.getProperty("arquillian.launch"));
    }

    /** Arquillian's embedded OpenWebBeans ({@code owb-arquillian-standalone}), in the test JVM. */
    public static boolean isOpenWebBeans() {
        return "owb".equals(System.getProperty("arquillian.launch"));
    }

    /** {@code http://localhost:<port>} of the server the build started. */
    public static String baseUrl() {
        return "http://localhost:" + required("it.http.port");
    }

    /** The server's messages.log, where deployment errors and the logging exporter's spans go. */
    public static Path messagesLog() {
        return serverDirectory().resolve("logs").resolve("messages.log");
    }

    /** The server's own directory ({@code wlp/usr/servers/<name>}): its configuration, drop-ins and logs. */
    public static Path serverDirectory() {
        return Path.of(required("it.wlp"), "usr", "servers", required("it.server"));
    }

    public static String messages() {
        try {
            return Files.readString(messagesLog(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the server's log " + messagesLog(), e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set: run the tests with "
                    + "mvn verify in src-it, which starts the server and sets it");
        }
        return value;
    }
}
