package io.nebula.resource.provider.filesystem;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ConfigKey;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** The keys of one filesystem resource, read and checked once (without touching the disk). */
record FilesystemSettings(Path root, boolean createRoot, boolean readOnly) {

    static final String ROOT = "root";
    static final String CREATE_ROOT = "create-root";
    static final String READ_ONLY = "read-only";

    static final boolean DEFAULT_CREATE_ROOT = true;
    static final boolean DEFAULT_READ_ONLY = false;

    /** The keys read here, described (docs/configuration.md is made from them). */
    static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.string(ROOT, null, "The directory the resource stores under; a relative path is taken from the"
                    + " working directory.").asRequired(),
            ConfigKey.bool(CREATE_ROOT, DEFAULT_CREATE_ROOT, "Create the root (and its parents) when it does not"
                    + " exist; when false a missing root fails the resource."),
            ConfigKey.bool(READ_ONLY, DEFAULT_READ_ONLY, "Refuse writes and deletes; a read-only storage never"
                    + " creates its root."));

    /**
     * Reads and checks every key.
     *
     * @throws io.nebula.resource.ConfigurationInvalidException listing every problem found
     */
    static FilesystemSettings read(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        Path root = null;
        String rootText = settings.string(ROOT).orElse(null);
        if (rootText == null) {
            problems.add(settings.keyOf(ROOT), "is required: the directory this resource stores under, e.g. /var/lib/orders/files");
        } else {
            try {
                root = Path.of(rootText).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                problems.add(settings.keyOf(ROOT), "is not a valid path: " + e.getReason());
            }
        }
        Boolean createRoot = problems.read(() -> settings.bool(CREATE_ROOT, DEFAULT_CREATE_ROOT));
        Boolean readOnly = problems.read(() -> settings.bool(READ_ONLY, DEFAULT_READ_ONLY));
        problems.throwIfAny();
        return new FilesystemSettings(root, createRoot, readOnly);
    }
}
