package io.nebula.resource.provider.filesystem;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.provider.contract.ProviderContract;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The provider contract on a real directory (a JUnit temporary directory). */
class FilesystemContractTest extends ProviderContract<RootedStorage> {

    @TempDir
    static Path dir;

    @Override
    protected ResourceProvider<RootedStorage> provider() {
        return new FilesystemProvider();
    }

    @Override
    protected ResourceSettings settings() {
        return ResourceSettings.of("invoices", "filesystem", Map.of("root", dir.resolve("invoices").toString()));
    }

    @Override
    protected InvalidSettings invalidSettings() {
        return new InvalidSettings(ResourceSettings.of("invoices", "filesystem",
                Map.of("read-only", "maybe", "create-root", "sometimes")), Set.of("root", "read-only", "create-root"));
    }

    @Override
    protected Throwable useClosedInstance(RootedStorage destroyed) throws IOException {
        try {
            destroyed.read("2024/INV-1.txt");
            return null;
        } catch (IllegalStateException e) {
            return e;
        }
    }

    @Override
    protected Throwable provokeNonFatalError(RootedStorage instance) throws IOException {
        try {
            instance.read("no/such/invoice.txt");
            return null;
        } catch (NoSuchFileException e) {
            return e;
        }
    }

    @Override
    protected void useInstance(RootedStorage instance) throws IOException {
        instance.writeString("2024/INV-1.txt", "total: 42");
        assertThat(instance.readString("2024/INV-1.txt")).isEqualTo("total: 42");
        assertThat(Files.readString(dir.resolve("invoices/2024/INV-1.txt"))).isEqualTo("total: 42");
    }
}
