package io.nebula.resource.provider.filesystem;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Kind {@code filesystem}: a {@link RootedStorage}, a handle on one directory shared by every user of
 * the resource (topology {@link Topology#RESIDENT}; it holds no open file).
 *
 * <p>Health: shallow, the root is a readable directory; deep, a probe file is written, read back and
 * deleted (for a read-only storage, the root is listed instead).
 */
public final class FilesystemProvider implements ResourceProvider<RootedStorage> {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.provider.filesystem");
    private static final String PROBE_PREFIX = ".nebula-probe-";

    @Override
    public String kind() {
        return "filesystem";
    }

    @Override
    public Class<RootedStorage> type() {
        return RootedStorage.class;
    }

    @Override
    public Topology topology() {
        return Topology.RESIDENT;
    }

    /** The keys of docs/providers: a resource of this kind with any other (beside the common ones) fails deployment. */
    @Override
    public List<ConfigKey> configKeys() {
        return FilesystemSettings.DEFINITIONS;
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        problems.read(() -> FilesystemSettings.read(settings));
        return problems.list();
    }

    /**
     * Opens the root: creates it when missing and {@code create-root} is on (never for a read-only
     * storage), and checks that it is a directory this process can read (and write, unless read-only).
     */
    @Override
    public RootedStorage create(ResourceSettings settings) throws IOException {
        FilesystemSettings fs = FilesystemSettings.read(settings);
        Path root = fs.root();
        String rootKey = settings.keyOf(FilesystemSettings.ROOT);
        if (!Files.exists(root)) {
            if (!fs.createRoot() || fs.readOnly()) {
                throw new NoSuchFileException(root.toString(), null, "filesystem resource '" + settings.name()
                        + "': the root (" + rootKey + ") does not exist"
                        + (fs.readOnly() ? "; a read-only storage never creates it" : "; set create-root=true to create it"));
            }
            Files.createDirectories(root);
            LOG.log(INFO, "NEBULA-2701 filesystem resource ''{0}'': created its root {1}", settings.name(), root);
        }
        if (!Files.isDirectory(root)) {
            throw new NotDirectoryException(root + " (" + rootKey + " of filesystem resource '" + settings.name()
                    + "' is not a directory)");
        }
        if (!Files.isReadable(root) || !fs.readOnly() && !Files.isWritable(root)) {
            throw new AccessDeniedException(root.toString(), null, "filesystem resource '" + settings.name()
                    + "' cannot " + (fs.readOnly() ? "read" : "read and write") + " its root (" + rootKey + ")"
                    + (fs.readOnly() ? "" : "; set read-only=true if it is only read"));
        }
        return new RootedStorage(settings.name(), root.toRealPath(), fs.readOnly());
    }

    @Override
    public HealthStatus check(RootedStorage storage, CheckDepth depth) {
        if (storage.isClosed()) {
            return HealthStatus.down("filesystem resource '" + storage.resource() + "' is closed");
        }
        Path root = storage.root();
        HealthStatus status;
        if (!Files.isDirectory(root)) {
            status = HealthStatus.down("the root is gone or no longer a directory");
        } else if (!Files.isReadable(root)) {
            status = HealthStatus.down("the root is not readable");
        } else if (depth == CheckDepth.SHALLOW) {
            status = HealthStatus.up();
        } else {
            status = storage.isReadOnly() ? listRoot(root) : writeProbe(storage, root);
        }
        return status.withDetail("root", root.toString()).withDetail("read-only", storage.isReadOnly());
    }

    private static HealthStatus listRoot(Path root) {
        try (Stream<Path> entries = Files.list(root)) {
            entries.findFirst();
            return HealthStatus.up();
        } catch (IOException | RuntimeException e) {
            return HealthStatus.down(e);
        }
    }

    /** The probe has a name of its own, random and hidden, so it never meets a file of the application. */
    private static HealthStatus writeProbe(RootedStorage storage, Path root) {
        Path probe = root.resolve(PROBE_PREFIX + UUID.randomUUID());
        byte[] content = probe.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        try {
            Files.write(probe, content);
            if (!Arrays.equals(Files.readAllBytes(probe), content)) {
                return HealthStatus.down("the probe file " + probe.getFileName() + " read back differently");
            }
            return HealthStatus.up();
        } catch (IOException | RuntimeException e) {
            return HealthStatus.down(e);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                LOG.log(WARNING, "NEBULA-2702 filesystem resource '" + storage.resource() + "': could not delete the"
                        + " health probe " + probe, e);
            }
        }
    }

    @Override
    public boolean recycle(RootedStorage storage) {
        return !storage.isClosed();
    }

    @Override
    public void destroy(RootedStorage storage) {
        storage.close();
    }

    /** Only a closed storage is broken; a missing file or a refused path says nothing about the handle. */
    @Override
    public boolean isFatal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedStorageException) {
                return true;
            }
        }
        return false;
    }

    /** A root that is a file or cannot be accessed, or bad settings, stay so; a missing root may be mounted later. */
    @Override
    public boolean isRetryable(Throwable error) {
        return !(error instanceof ConfigurationInvalidException || error instanceof NotDirectoryException
                || error instanceof AccessDeniedException);
    }
}
