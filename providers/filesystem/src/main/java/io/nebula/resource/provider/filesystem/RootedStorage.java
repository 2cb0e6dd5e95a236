package io.nebula.resource.provider.filesystem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Storage rooted in one directory: every path is relative to the root, and none leads outside it.
 *
 * <pre>{@code
 * @Inject @NebulaResource("invoices") RootedStorage invoices;
 *
 * invoices.writeString("2024/06/INV-42.json", json);   // parent directories are created
 * String again = invoices.readString("2024/06/INV-42.json");
 * List<String> june = invoices.list("2024/06");         // ["2024/06/INV-42.json"]
 * }</pre>
 *
 * {@link #resolve} refuses, with a {@link SecurityException}, an absolute path, a path whose
 * {@code ..} climbs above the root, and a path that reaches outside through a symbolic link (the real
 * location of its deepest existing part, dangling links followed, must lie below the root's real
 * location). The check runs when a path is resolved: it stops paths from configuration or requests, not
 * a process that swaps links inside the root between the check and the use.
 *
 * <p>Writes replace a file atomically (a temporary file moved over it), so readers see the old or the
 * new content, never a part. A read-only storage refuses writes and deletes with an
 * {@link AccessDeniedException}. Once the resource is closed every use throws an
 * {@link IllegalStateException}.
 */
public final class RootedStorage {

    /** Links followed while looking for where a path really is, as the kernel's own SYMLOOP_MAX. */
    private static final int MAX_LINKS = 40;

    private final String resource;
    private final Path root;
    private final boolean readOnly;
    private volatile boolean closed;

    /** @param root the real (link-free, absolute) path of an existing directory */
    RootedStorage(String resource, Path root, boolean readOnly) {
        this.resource = resource;
        this.root = root;
        this.readOnly = readOnly;
    }

    public String resource() {
        return resource;
    }

    /** The root directory, as its real path. */
    public Path root() {
        return root;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * The location of a path below the root: normalized, checked not to lead outside.
     *
     * @param relative a relative path with {@code /} separators; {@code ""} is the root itself
     * @throws SecurityException     when the path leads outside the root
     * @throws IllegalStateException when the resource is closed
     */
    public Path resolve(String relative) {
        return locate(relative).path();
    }

    public boolean exists(String relative) {
        return Files.exists(resolve(relative));
    }

    public byte[] read(String relative) throws IOException {
        return Files.readAllBytes(resolve(relative));
    }

    /** Reads a UTF-8 text file. */
    public String readString(String relative) throws IOException {
        return Files.readString(resolve(relative), StandardCharsets.UTF_8);
    }

    /** Opens a file for reading; the caller closes the stream. */
    public InputStream newInputStream(String relative) throws IOException {
        return Files.newInputStream(resolve(relative));
    }

    /**
     * Writes a file, creating its parent directories, replacing it atomically if it exists. Through a
     * symbolic link (one that stays inside the root) the link's target is written and the link kept.
     */
    public void write(String relative, byte[] content) throws IOException {
        Path target = writable(relative).real();
        Files.createDirectories(target.getParent());
        // Not Files.createTempFile: it makes the file private (0600), and the move would pass that on.
        String name = target.getFileName().toString();
        Path temp = target.resolveSibling("." + name.substring(0, Math.min(name.length(), 32)) + "."
                + UUID.randomUUID() + ".tmp");
        try {
            Files.write(temp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes a UTF-8 text file, as {@link #write}. */
    public void writeString(String relative, String content) throws IOException {
        write(relative, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Deletes a file, an empty directory or a symbolic link (not what it points to).
     *
     * @return whether it existed
     * @throws java.nio.file.DirectoryNotEmptyException for a directory that is not empty
     */
    public boolean delete(String relative) throws IOException {
        return Files.deleteIfExists(writable(relative).path());
    }

    /** Creates a directory and its parents. */
    public void createDirectories(String relative) throws IOException {
        Files.createDirectories(writable(relative).real());
    }

    /**
     * The entries of a directory, as paths relative to the root with {@code /} separators, sorted.
     *
     * @param directory relative to the root; {@code ""} lists the root
     */
    public List<String> list(String directory) throws IOException {
        try (Stream<Path> entries = Files.list(resolve(directory))) {
            return entries.map(this::relativeName).sorted().collect(Collectors.toList());
        }
    }

    /** Names the resource and root; the root of a storage is not a secret. */
    @Override
    public String toString() {
        return "RootedStorage[" + resource + ", " + root + (readOnly ? ", read-only" : "") + (closed ? ", closed" : "") + "]";
    }

    // --- for the provider //

    void close() {
        closed = true;
    }

    void ensureOpen() {
        if (closed) {
            throw new ClosedStorageException(resource);
        }
    }

    private Location writable(String relative) throws AccessDeniedException {
        Location target = locate(relative);
        if (readOnly) {
            throw new AccessDeniedException(relative, null, "filesystem resource '" + resource
                    + "' is read-only (nebula.resource." + resource + ".read-only=true)");
        }
        if (target.path().equals(root) || target.real().equals(root)) {
            throw new AccessDeniedException(relative, null, "filesystem resource '" + resource
                    + "': the root itself cannot be written or deleted");
        }
        return target;
    }

    /** A path below the root and where it really is, both checked. */
    private record Location(Path path, Path real) {
    }

    private Location locate(String relative) {
        ensureOpen();
        Objects.requireNonNull(relative, "relative");
        Path given;
        try {
            given = root.getFileSystem().getPath(relative);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("filesystem resource '" + resource + "': not a valid path: " + e.getReason(), e);
        }
        if (given.isAbsolute() || given.getRoot() != null) {
            throw new RootEscapeException(resource, relative, "is absolute; paths are relative to the root");
        }
        Path target = root.resolve(given).normalize();
        if (!target.startsWith(root)) {
            throw new RootEscapeException(resource, relative, "climbs above the root");
        }
        Path real;
        try {
            real = realLocation(target);
        } catch (IOException e) {
            throw new RootEscapeException(resource, relative, "cannot be followed to its real location (" + e + ")");
        }
        if (!real.startsWith(root)) {
            throw new RootEscapeException(resource, relative, "leads outside the root through a symbolic link");
        }
        return new Location(target, real);
    }

    private String relativeName(Path path) {
        Path relative = root.relativize(path);
        StringBuilder name = new StringBuilder();
        for (Path part : relative) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }

    /**
     * Where a path really is: the real path of its deepest existing part, with the rest appended. A
     * dangling link is followed by hand, since {@code toRealPath} gives up on it, yet writing through it
     * would create its target.
     */
    private static Path realLocation(Path path) throws IOException {
        Path current = path;
        for (int links = 0; links <= MAX_LINKS; links++) {
            Path existing = current;
            Path rest = current.getFileSystem().getPath("");
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                rest = existing.getFileName().resolve(rest);
                existing = existing.getParent();
            }
            if (existing == null) {
                return path; // nothing of it exists, not even a root
            }
            if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
                Path target = Files.readSymbolicLink(existing);
                current = existing.resolveSibling(target).normalize().resolve(rest);
                continue;
            }
            return existing.toRealPath().resolve(rest).normalize();
        }
        throw new FileSystemLoopException(path.toString());
    }
}
