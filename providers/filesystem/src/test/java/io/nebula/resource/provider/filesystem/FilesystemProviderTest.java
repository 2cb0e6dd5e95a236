package io.nebula.resource.provider.filesystem;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The filesystem kind on real temporary directories: the root holds, read-only holds, health tells. */
class FilesystemProviderTest {

    @TempDir
    Path dir;

    private Path root;
    private Path outside;
    private final FilesystemProvider provider = new FilesystemProvider();

    @BeforeEach
    void layout() throws IOException {
        root = dir.resolve("root");
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "not yours");
    }

    private RootedStorage create(String... keyValues) throws IOException {
        Map<String, String> values = new HashMap<>(Map.of("root", root.toString()));
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return provider.create(ResourceSettings.of("files", "filesystem", values));
    }

    // --- the root holds //

    @ParameterizedTest
    @ValueSource(strings = {"../outside/secret.txt", "a/../../outside/secret.txt", "..", "./../root2/x"})
    void dotDotCannotClimbAboveTheRoot(String path) throws IOException {
        RootedStorage storage = create();
        assertThatThrownBy(() -> storage.resolve(path)).isInstanceOf(SecurityException.class)
                .hasMessage("filesystem resource 'files': path '" + path + "' climbs above the root; refused");
        assertThatThrownBy(() -> storage.writeString(path, "x")).isInstanceOf(SecurityException.class);
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("not yours");
    }

    @Test
    void absolutePathsAreRefused() throws IOException {
        RootedStorage storage = create();
        assertThatThrownBy(() -> storage.read("/etc/passwd")).isInstanceOf(SecurityException.class)
                .hasMessageContaining("is absolute");
        assertThatThrownBy(() -> storage.read(outside.resolve("secret.txt").toString()))
                .isInstanceOf(SecurityException.class);
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefusedForReadingWritingAndListing() throws IOException {
        RootedStorage storage = create();
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("secret-link.txt"), outside.resolve("secret.txt"));

        assertThatThrownBy(() -> storage.read("escape/secret.txt")).isInstanceOf(SecurityException.class)
                .hasMessageContaining("leads outside the root through a symbolic link");
        assertThatThrownBy(() -> storage.readString("secret-link.txt")).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> storage.writeString("escape/planted.txt", "x")).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> storage.list("escape")).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> storage.delete("escape/secret.txt")).isInstanceOf(SecurityException.class);
        assertThat(outside.resolve("planted.txt")).doesNotExist();
        assertThat(outside.resolve("secret.txt")).exists();
    }

    @Test
    void aDanglingLinkThatWouldCreateAFileOutsideIsRefused() throws IOException {
        RootedStorage storage = create();
        Files.createSymbolicLink(root.resolve("later.txt"), outside.resolve("created-later.txt"));
        Files.createSymbolicLink(root.resolve("later-dir"), outside.resolve("not-yet"));

        assertThatThrownBy(() -> storage.writeString("later.txt", "x")).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> storage.writeString("later-dir/a/b.txt", "x")).isInstanceOf(SecurityException.class);
        assertThat(outside.resolve("created-later.txt")).doesNotExist();
        assertThat(outside.resolve("not-yet")).doesNotExist();
    }

    @Test
    void linksThatStayInsideTheRootAreFine() throws IOException {
        RootedStorage storage = create();
        storage.writeString("releases/v2/notes.txt", "v2");
        Files.createSymbolicLink(root.resolve("current"), root.resolve("releases/v2"));
        Files.createSymbolicLink(root.resolve("next"), Path.of("releases/v3")); // relative and dangling, but inside

        assertThat(storage.readString("current/notes.txt")).isEqualTo("v2");
        storage.writeString("next/notes.txt", "v3");
        assertThat(Files.readString(root.resolve("releases/v3/notes.txt"))).isEqualTo("v3");

        Files.createSymbolicLink(root.resolve("latest.txt"), root.resolve("releases/v2/notes.txt"));
        storage.writeString("latest.txt", "v2, amended");
        assertThat(root.resolve("latest.txt")).isSymbolicLink();
        assertThat(Files.readString(root.resolve("releases/v2/notes.txt"))).isEqualTo("v2, amended");

        assertThat(storage.delete("current")).isTrue();
        assertThat(root.resolve("current")).doesNotExist();
        assertThat(root.resolve("releases/v2/notes.txt")).exists();
    }

    @Test
    void pathsAreNormalizedBelowTheRoot() throws IOException {
        RootedStorage storage = create();
        assertThat(storage.resolve("a/./b/../c.txt")).isEqualTo(root.resolve("a/c.txt"));
        assertThat(storage.resolve("")).isEqualTo(root);
        assertThat(storage.resolve("a/..")).isEqualTo(root);
    }

    @Test
    void theRootIsHeldAsItsRealPath() throws IOException {
        Files.createDirectories(outside.resolve("real-root"));
        Path linkedRoot = Files.createSymbolicLink(dir.resolve("linked-root"), outside.resolve("real-root"));
        RootedStorage storage = provider.create(ResourceSettings.of("files", "filesystem",
                Map.of("root", linkedRoot.toString())));

        assertThat(storage.root()).isEqualTo(outside.resolve("real-root").toRealPath());
        storage.writeString("x.txt", "through the link");
        assertThat(Files.readString(outside.resolve("real-root/x.txt"))).isEqualTo("through the link");
    }

    // --- operations //

    @Test
    void writesReplaceAtomicallyAndLeaveNoTemporaryFiles() throws IOException {
        RootedStorage storage = create();
        storage.writeString("a/b/c.txt", "first");
        storage.write("a/b/c.txt", "second".getBytes());

        assertThat(storage.read("a/b/c.txt")).isEqualTo("second".getBytes());
        try (InputStream in = storage.newInputStream("a/b/c.txt")) {
            assertThat(in.readAllBytes()).isEqualTo("second".getBytes());
        }
        assertThat(storage.list("a/b")).containsExactly("a/b/c.txt");
        // as readable by others as any file this process creates, not private like a temporary file
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        assertThat(Files.getPosixFilePermissions(root.resolve("a/b/c.txt")))
                .isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void listGivesSortedRootRelativeNames() throws IOException {
        RootedStorage storage = create();
        storage.writeString("b.txt", "");
        storage.writeString("a.txt", "");
        storage.createDirectories("sub/dir");

        assertThat(storage.list("")).containsExactly("a.txt", "b.txt", "sub");
        assertThat(storage.list("sub")).containsExactly("sub/dir");
        assertThatThrownBy(() -> storage.list("nowhere")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void deleteRemovesFilesAndEmptyDirectoriesButNeverTheRoot() throws IOException {
        RootedStorage storage = create();
        storage.writeString("d/f.txt", "x");

        assertThatThrownBy(() -> storage.delete("d")).isInstanceOf(DirectoryNotEmptyException.class);
        assertThat(storage.delete("d/f.txt")).isTrue();
        assertThat(storage.delete("d/f.txt")).isFalse();
        assertThat(storage.delete("d")).isTrue();
        assertThat(storage.exists("d")).isFalse();
        assertThatThrownBy(() -> storage.delete("")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("the root itself");
        assertThat(root).isDirectory();
    }

    // --- the root itself //

    @Test
    void aMissingRootIsCreatedByDefault() throws IOException {
        create();
        assertThat(root).isDirectory();
    }

    @Test
    void aMissingRootIsAnErrorWhenCreateRootIsOff() {
        assertThatThrownBy(() -> create("create-root", "false")).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nebula.resource.files.root").hasMessageContaining("create-root=true")
                .satisfies(e -> assertThat(provider.isRetryable(e)).as("it may be mounted later").isTrue());
        assertThat(root).doesNotExist();
    }

    @Test
    void aRootThatIsAFileIsNotRetryable() throws IOException {
        Files.writeString(root, "I am a file");
        assertThatThrownBy(this::create).isInstanceOf(NotDirectoryException.class)
                .hasMessageContaining("nebula.resource.files.root")
                .satisfies(e -> assertThat(provider.isRetryable(e)).isFalse());
    }

    // --- read-only //

    @Test
    void aReadOnlyStorageReadsButNeverWritesOrDeletes() throws IOException {
        Files.createDirectories(root);
        Files.writeString(root.resolve("kept.txt"), "kept");
        RootedStorage storage = create("read-only", "true");

        assertThat(storage.readString("kept.txt")).isEqualTo("kept");
        assertThatThrownBy(() -> storage.writeString("new.txt", "x")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("nebula.resource.files.read-only=true");
        assertThatThrownBy(() -> storage.delete("kept.txt")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> storage.createDirectories("d")).isInstanceOf(AccessDeniedException.class);
        assertThat(root.resolve("kept.txt")).exists();
        assertThat(root.resolve("new.txt")).doesNotExist();
    }

    @Test
    void aReadOnlyStorageNeverCreatesItsRoot() {
        assertThatThrownBy(() -> create("read-only", "true")).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("read-only storage never creates it");
        assertThat(root).doesNotExist();
    }

    // --- health //

    @Test
    void theDeepCheckWritesReadsAndDeletesAProbe() throws IOException {
        RootedStorage storage = create();
        storage.writeString("keep.txt", "x");

        HealthStatus deep = provider.check(storage, CheckDepth.DEEP);
        assertThat(deep.status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(deep.details()).containsEntry("root", storage.root().toString()).containsEntry("read-only", false);
        assertThat(storage.list("")).containsExactly("keep.txt");
    }

    @Test
    void aReadOnlyStorageIsCheckedWithoutWriting() throws IOException {
        Files.createDirectories(root);
        RootedStorage storage = create("read-only", "true");
        assertThat(provider.check(storage, CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void aVanishedRootIsDown() throws IOException {
        RootedStorage storage = create();
        Files.delete(root);
        for (CheckDepth depth : CheckDepth.values()) {
            HealthStatus status = provider.check(storage, depth);
            assertThat(status.status()).as("%s", depth).isEqualTo(HealthStatus.Status.DOWN);
            assertThat(status.message()).hasValue("the root is gone or no longer a directory");
        }
    }

    // --- the provider //

    @Test
    void oneSharedHandleThatCloses() throws IOException {
        assertThat(provider.topology()).isEqualTo(Topology.RESIDENT);
        RootedStorage storage = create();
        assertThat(storage).hasToString("RootedStorage[files, " + storage.root() + "]");
        provider.destroy(storage);

        assertThat(provider.recycle(storage)).isFalse();
        assertThat(storage.toString()).endsWith(", closed]");
        assertThatThrownBy(() -> storage.resolve("a")).isInstanceOf(IllegalStateException.class)
                .hasMessage("filesystem resource 'files' is closed")
                .satisfies(e -> assertThat(provider.isFatal(e)).isTrue());
        assertThatThrownBy(() -> storage.writeString("a", "x")).isInstanceOf(IllegalStateException.class);
        assertThat(provider.isFatal(new SecurityException("x"))).isFalse();
        assertThat(provider.isFatal(new NoSuchFileException("x"))).isFalse();
    }

    @Test
    void settingsAreCheckedKeyByKey() {
        List<ConfigProblem> problems = provider.validate(ResourceSettings.of("files", "filesystem",
                Map.of("root", "bad\0path", "read-only", "yes please", "create-root", "2")));
        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder("nebula.resource.files.root",
                "nebula.resource.files.read-only", "nebula.resource.files.create-root");
        assertThat(provider.validate(ResourceSettings.of("files", "filesystem", Map.of("root", "relative/dir"))))
                .isEmpty();
        assertThat(provider.validate(ResourceSettings.of("files", "filesystem", Map.of()))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("is required"));
    }
}
