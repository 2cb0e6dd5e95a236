package io.nebula.resource.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The files of the tests' Liberty server ({@code nebulaSampleIT}, which the build starts): a configuration drop-in
 * that changes MicroProfile Config properties while it runs, as an operator would, and its {@code messages.log}.
 */
final class ServerFiles {

    static final Path SERVER = Path.of(System.getProperty("sample.server.dir",
            "target/liberty/wlp/usr/servers/nebulaSampleIT"));
    static final Path MESSAGES = SERVER.resolve("logs/messages.log");

    private ServerFiles() {
    }

    /**
     * Writes {@code configDropins/overrides/<name>.xml} with one {@code <variable>} per entry: server.xml variables
     * are MicroProfile Config properties on Liberty, and the server polls its configuration (the build starts it with
     * {@code config.update.trigger=polled}). Written aside and moved in, so the server never reads half a file.
     */
    static void overrides(String name, Map<String, String> variables) {
        String xml = new TreeMap<>(variables).entrySet().stream()
                .map(e -> "    <variable name=\"" + e.getKey() + "\" value=\"" + e.getValue() + "\"/>")
                .collect(Collectors.joining("\n", "<server>\n", "\n</server>\n"));
        try {
            Path dir = Files.createDirectories(SERVER.resolve("configDropins/overrides"));
            Path aside = Files.writeString(SERVER.resolve(name + ".xml.tmp"), xml, StandardCharsets.UTF_8);
            Files.move(aside, dir.resolve(name + ".xml"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes the drop-in away: its keys fall back to the application's microprofile-config.properties. */
    static void removeOverrides(String name) {
        try {
            Files.deleteIfExists(SERVER.resolve("configDropins/overrides/" + name + ".xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of messages.log that contain {@code text}. */
    static List<String> messages(String text) {
        return messages().stream().filter(l -> l.contains(text)).toList();
    }

    /** The lines of messages.log that match {@code regex} somewhere. */
    static List<String> messagesMatching(String regex) {
        Pattern p = Pattern.compile(regex);
        return messages().stream().filter(l -> p.matcher(l).find()).toList();
    }

    static List<String> messages() {
        try {
            // the server writes as we read: a line cut short at the end is read whole next time
            // (a character cut in two is replaced, not an error)
            return new String(Files.readAllBytes(MESSAGES), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
