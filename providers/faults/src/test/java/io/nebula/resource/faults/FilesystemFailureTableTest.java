package io.nebula.resource.faults;

import io.nebula.resource.provider.filesystem.RootedStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Filesystem ({@code filesystem}, one shared handle on a root directory), held as the {@code RootedStorage}. Its
 * "backend" is the root: away when the directory is gone (an unmounted volume), with {@code create-root=false} so
 * that the resource does not make it again.
 */
class FilesystemFailureTableTest extends ResidentFailureTable<RootedStorage> {

    @TempDir
    Path temp;
    private Path root;

    @Override
    Map<String, String> kindKeys() {
        try {
            root = Files.createTempDirectory(temp, "root");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("kind", "filesystem", "root", root.toString(), "create-root", "false");
    }

    @Override
    int serverPort() {
        return 0;
    }

    @Override
    void takeTheBackendAway(Rig rig) {
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void bringTheBackendBack(Rig rig) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    Class<?> leaseType() {
        return RootedStorage.class;
    }

    @Override
    Class<? extends Throwable> backendError() {
        return NoSuchFileException.class;
    }

    @Override
    Class<RootedStorage> viewType() {
        return RootedStorage.class;
    }

    /** A listing of the root. (A write would not fail: it creates missing parent directories, the root among them.) */
    @Override
    void call(RootedStorage instance) throws Exception {
        instance.list("");
    }

    @Override
    Class<? extends Throwable> clientErrorWhileAway() {
        return NoSuchFileException.class;
    }

    /** docs/resilience.md: a write through the storage held makes the vanished root again. */
    @Test
    void aWriteMakesAVanishedRootAgain() throws Exception {
        try (Rig rig = rig()) {
            lease(rig).close();
            RootedStorage storage = rig.resources().get(RESOURCE, RootedStorage.class);
            takeTheBackendAway(rig);
            storage.writeString("invoices/INV-42.json", "{}");
            assertThat(root).isDirectory();
            assertThat(storage.readString("invoices/INV-42.json")).isEqualTo("{}");
        }
    }

    @Override
    Class<? extends Throwable> clientErrorOnceClosed() {
        return IllegalStateException.class;
    }
}
