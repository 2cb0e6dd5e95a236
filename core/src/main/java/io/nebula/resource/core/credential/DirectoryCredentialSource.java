package io.nebula.resource.core.credential;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.CredentialSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Credentials as files in a directory, one per key, as Kubernetes mounts a Secret
 * ({@code credentials.source=directory}):
 *
 * <pre>
 * nebula.resource.orders-db.credentials.source=directory
 * nebula.resource.orders-db.credentials.directory=/var/run/secrets/orders-db      # holds files username, password
 * nebula.resource.orders-db.credentials.file.password=db-password                 # optional: another file name
 * </pre>
 *
 * A tenant-scoped resource may put {@code {tenant}} in the directory ({@code /var/run/secrets/{tenant}}).
 * A file that does not exist holds no value (the resource's own setting applies); one trailing line break is
 * not part of the value. The files are read on every fetch, so a change is seen at the next fetch: Kubernetes
 * swaps the whole directory through a symbolic link, and reading the file anew sees the new one.
 */
public final class DirectoryCredentialSource implements CredentialSource {

    public static final String NAME = "directory";
    public static final String DIRECTORY = "credentials.directory";
    public static final String FILE = "credentials.file.";

    /** A credential file is small; anything larger is not one. */
    static final int MAX_BYTES = 64 * 1024;
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        if (settings.string(DIRECTORY).isEmpty()) {
            problems.add(settings.keyOf(DIRECTORY), "is required with credentials.source=directory: the directory"
                    + " holding one file per credential, e.g. /var/run/secrets/orders-db");
        }
        for (String key : settings.keys()) {
            if (key.startsWith(FILE)) {
                String name = settings.string(key).orElse("");
                if (!isFileName(name)) {
                    problems.add(settings.keyOf(key), "must be a file name in " + DIRECTORY
                            + " (letters, digits, '.', '_' and '-', not '.' or '..'), was '" + name + "'");
                }
            }
        }
        return problems.list();
    }

    @Override
    public Optional<Secret> fetch(ResourceSettings settings, String key) throws IOException {
        String directory = settings.required(DIRECTORY);
        String name = settings.string(FILE + key, key);
        if (!isFileName(name)) {
            // a key such as headers.Authorization is fine; one that would leave the directory is not
            throw new IOException("credential file name for key '" + key + "' of resource '" + settings.name()
                    + "' is not a plain file name");
        }
        Path file = Path.of(directory).resolve(name);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException("credential file " + file + " of resource '" + settings.name() + "' is larger than "
                    + MAX_BYTES + " bytes; it is not a credential");
        }
        String value = new String(bytes, StandardCharsets.UTF_8);
        if (value.endsWith("\r\n")) {
            value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("\n")) {
            value = value.substring(0, value.length() - 1);
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(Secret.of(value));
    }

    private static boolean isFileName(String name) {
        return FILE_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }
}
