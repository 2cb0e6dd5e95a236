package io.nebula.resource.provider.filesystem;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.RuntimeConfig;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A filesystem resource through the extension on Weld SE: the injected storage writes and reads below its configured root. */
@NebulaWeldTest
@TestConfig("nebula.resource.invoices.kind=filesystem")
class FilesystemInjectionTest {

    @TempDir
    Path parent;

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Invoices.class);

    @Inject
    Invoices invoices;

    /** The root is made by the provider (create-root defaults to true) inside the test's temporary directory. */
    @RuntimeConfig
    Map<String, String> rootInTheTemporaryDirectory() {
        return Map.of("nebula.resource.invoices.root", parent.resolve("invoices").toString());
    }

    @ApplicationScoped
    static class Invoices {

        @Inject
        @NebulaResource("invoices")
        RootedStorage storage;

        void store(String path, String json) throws IOException {
            storage.writeString(path, json);
        }

        String load(String path) throws IOException {
            return storage.readString(path);
        }
    }

    @Test
    void writesAndReadsBelowTheConfiguredRoot() throws IOException {
        invoices.store("2024/06/INV-42.json", "{\"total\":25.00}");
        assertThat(invoices.load("2024/06/INV-42.json")).isEqualTo("{\"total\":25.00}");
        assertThat(parent.resolve("invoices/2024/06/INV-42.json")).hasContent("{\"total\":25.00}");
    }

    @Test
    void noPathLeavesTheRoot() {
        assertThatThrownBy(() -> invoices.store("../escaped.json", "{}")).isInstanceOf(SecurityException.class);
        assertThat(Files.exists(parent.resolve("escaped.json"))).isFalse();
    }
}
