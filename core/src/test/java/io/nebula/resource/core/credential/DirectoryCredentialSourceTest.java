package io.nebula.resource.core.credential;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.CredentialSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryCredentialSourceTest {

    @TempDir
    Path dir;

    final DirectoryCredentialSource source = new DirectoryCredentialSource();

    ResourceSettings settings(String... kv) {
        java.util.Map<String, String> m = new java.util.HashMap<>(Map.of("credentials.directory", dir.toString()));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return ResourceSettings.of("orders-db", "fake", m);
    }

    @Test
    void eachCredentialIsAFileNamedByItsKeyWithoutItsTrailingLineBreak() throws IOException {
        Files.writeString(dir.resolve("password"), "s3cret\n");
        Files.writeString(dir.resolve("username"), "app\r\n");
        Files.writeString(dir.resolve("db-token"), "tok");
        assertThat(source.fetch(settings(), "password")).map(Secret::reveal).contains("s3cret");
        assertThat(source.fetch(settings(), "username")).map(Secret::reveal).contains("app");
        assertThat(source.fetch(settings("credentials.file.token", "db-token"), "token")).map(Secret::reveal).contains("tok");
        assertThat(source.fetch(settings(), "api-key")).as("no file, no value").isEmpty();

        Files.writeString(dir.resolve("password"), "rotated\n");
        assertThat(source.fetch(settings(), "password")).as("read anew on every fetch").map(Secret::reveal).contains("rotated");
    }

    @Test
    void aFileNameThatWouldLeaveTheDirectoryIsRefused() {
        assertThat(source.validate(settings("credentials.file.password", "../shadow")))
                .extracting(p -> p.key()).containsExactly("nebula.resource.orders-db.credentials.file.password");
        assertThatThrownBy(() -> source.fetch(settings("credentials.file.password", "../shadow"), "password"))
                .isInstanceOf(IOException.class).hasMessageContaining("not a plain file name");
    }

    @Test
    void theDirectoryIsRequiredAndAHugeFileIsNoCredential() throws IOException {
        assertThat(source.validate(ResourceSettings.of("orders-db", "fake", Map.of())))
                .extracting(p -> p.key()).containsExactly("nebula.resource.orders-db.credentials.directory");
        Files.write(dir.resolve("password"), new byte[DirectoryCredentialSource.MAX_BYTES + 1]);
        assertThatThrownBy(() -> source.fetch(settings(), "password")).isInstanceOf(IOException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void theEngineFindsItsSourcesByName() {
        Map<String, CredentialSource> installed = CredentialSources.installed(getClass().getClassLoader());
        assertThat(installed).containsKeys("settings", "directory");
        assertThat(CredentialSettings.problems(ResourceSettings.of("orders-db", "fake", Map.of("credentials.source", "vault")),
                "settings", installed)).singleElement().satisfies(p -> {
                    assertThat(p.key()).isEqualTo("nebula.resource.orders-db.credentials.source");
                    assertThat(p.message()).contains("directory, settings", "'vault'");
                });
        CredentialSettings read = CredentialSettings.from(ResourceSettings.of("orders-db", "fake", Map.of(
                "headers.Authorization", "Bearer x", "credentials.keys", "api-user", "credentials.refresh-interval", "5s")),
                "settings", installed);
        assertThat(read.keys()).containsExactlyInAnyOrder("username", "password", "api-user", "headers.Authorization");
        assertThat(read.refreshInterval()).hasSeconds(5);
    }
}
