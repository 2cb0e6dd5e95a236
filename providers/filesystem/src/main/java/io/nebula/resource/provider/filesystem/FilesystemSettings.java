package io.nebula.resource.provider.filesystem;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** The keys of one filesystem resource, read and checked once (without touching the disk). */
record FilesystemSettings(Path root, boolean createRoot, boolean readOnly) {

    static final String ROOT = "root";
    static final String CREATE_ROOT = "create-root";
    static final String READ_ONLY = "read-only";

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
        Boolean createRoot = problems.read(() -> settings.bool(CREATE_ROOT, true));
        Boolean readOnly = problems.read(() -> settings.bool(READ_ONLY, false));
        problems.throwIfAny();
        return new FilesystemSettings(root, createRoot, readOnly);
    }
}
