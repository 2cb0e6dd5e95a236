package io.nebula.resource.core.credential;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.audit.AuditTrail;
import io.nebula.resource.core.credential.Logins.Session;
import io.nebula.resource.spi.CredentialSource;
import io.nebula.resource.spi.CredentialUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialedProviderTest {

    static final String OLD = "0ld-Pa55word";
    static final String NEW = "n3w-Pa55word";

    @TempDir
    Path dir;

    final List<AuditRecord> records = new CopyOnWriteArrayList<>();
    final List<String> rotations = new CopyOnWriteArrayList<>();
    ResourcePool<Session> pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.drain(Duration.ZERO);
        }
    }

    ResourceSettings settings(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("username", "app", "password", "written-in-config",
                "credentials.directory", dir.toString(), "credentials.refresh-interval", "0", "tenant", "acme",
                "pool.max-size", "3"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return ResourceSettings.of("orders-db", "login", m);
    }

    CredentialedProvider<Session> wrap(Logins delegate, CredentialSource source, ResourceSettings settings) {
        return CredentialedProvider.wrap(delegate, settings)
                .source(source)
                .audit(new AuditTrail("orders-db", records::add, () -> "alice", Clock.systemUTC()))
                .listener(new PoolListener() {
                    @Override
                    public void onCredentialRotation(String p, ResourceContext ctx, Set<String> keys) {
                        rotations.add(p + " " + ctx.tenant() + " " + keys);
                    }
                })
                .build();
    }

    void password(String value) throws IOException {
        Files.writeString(dir.resolve("password"), value + "\n");
    }

    @Test
    void anInstanceIsMadeWithTheCredentialInForceAtTheSourceWhenItIsCreated() throws Exception {
        password(OLD);
        CredentialedProvider<Session> provider = wrap(new Logins(false), new DirectoryCredentialSource(), settings());
        Session first = provider.create(settings());
        assertThat(first.password).isEqualTo(OLD);
        assertThat(first.user).as("a key the source does not hold keeps its setting").isEqualTo("app");

        password(NEW);
        Session second = provider.create(settings());
        assertThat(second.password).as("fetched just in time, not at start-up").isEqualTo(NEW);
        assertThat(provider.isStale(first)).as("the change was noticed at creation").isTrue();
        assertThat(rotations).containsExactly("orders-db acme [password]");
    }

    @Test
    void aRotationRetiresInstancesMadeWithTheOldCredentialAsTheyComeBack() throws Exception {
        password(OLD);
        Logins logins = new Logins(false);
        CredentialedProvider<Session> provider = wrap(logins, new DirectoryCredentialSource(), settings());
        pool = ResourcePool.builder(provider, settings()).creator(Runnable::run).build();
        Lease<Session> held = pool.acquire();
        Session old = held.get();
        try (Lease<Session> other = pool.acquire()) {
            assertThat(other.get().password).isEqualTo(OLD);
        }

        password(NEW);
        provider.refresh();
        assertThat(provider.rotations()).isEqualTo(1);
        assertThat(old.destroyed).as("in use: not taken from its holder").isFalse();
        assertThat(held.get().password).isEqualTo(OLD);

        held.close();
        assertThat(old.destroyed).as("retired as it came back").isTrue();
        // the other old session sat idle: it serves once more (its session is open and valid) and is gone on return
        try (Lease<Session> a = pool.acquire(); Lease<Session> b = pool.acquire()) {
            assertThat(List.of(a.get().password, b.get().password)).contains(NEW);
        }
        try (Lease<Session> a = pool.acquire(); Lease<Session> b = pool.acquire()) {
            assertThat(a.get().password).isEqualTo(NEW);
            assertThat(b.get().password).isEqualTo(NEW);
        }
        assertThat(logins.live).isNotEmpty().allSatisfy(s -> assertThat(s.password)
                .as("no session made with the old one remains").isEqualTo(NEW));
        provider.refresh();
        assertThat(provider.rotations()).as("no change, no rotation").isEqualTo(1);
        assertThat(records).filteredOn(r -> r.kind() == AuditKind.CREDENTIAL_ROTATION).singleElement()
                .satisfies(r -> {
                    assertThat(r.detail()).contains("keys=password", "source=directory");
                    assertThat(r.tenant()).isEqualTo("acme");
                });
    }

    @Test
    void anInstanceThatRenewsInPlaceKeepsServingAndOpensConnectionsWithTheNewCredential() throws Exception {
        password(OLD);
        Logins logins = new Logins(true);
        CredentialedProvider<Session> provider = wrap(logins, new DirectoryCredentialSource(), settings());
        Session session = provider.create(settings());
        assertThat(session.passwordNow()).isEqualTo(OLD);

        password(NEW);
        assertThat(session.passwordNow()).as("each connection asks again").isEqualTo(NEW);
        provider.refresh();
        assertThat(logins.renewed).containsExactly(session);
        assertThat(provider.isStale(session)).isFalse();
        assertThat(provider.recycle(session)).isTrue();
        assertThat(records).filteredOn(r -> r.kind() == AuditKind.CREDENTIAL_ROTATION)
                .singleElement().satisfies(r -> assertThat(r.detail()).contains("renewed=1", "retiring=0"));
    }

    @Test
    void aSourceThatCannotBeReadFailsTheCreationWithAnErrorThatHoldsNoSecret() throws Exception {
        CredentialSource broken = new CredentialSource() {
            @Override
            public String name() {
                return "vault";
            }

            @Override
            public Optional<Secret> fetch(ResourceSettings s, String key) throws IOException {
                throw new IOException("vault sealed");
            }
        };
        CredentialedProvider<Session> provider = wrap(new Logins(false), broken, settings());
        assertThatThrownBy(() -> provider.create(settings()))
                .isInstanceOfSatisfying(CredentialUnavailableException.class, e -> {
                    assertThat(e.getMessage()).contains("NEBULA-4301", "'orders-db'", "tenant 'acme'", "source 'vault'",
                            "vault sealed").doesNotContain("written-in-config");
                    assertThat(e.resource()).isEqualTo("orders-db");
                    assertThat(provider.isRetryable(e)).isTrue();
                });
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(AuditKind.CREDENTIAL_USE);
            assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.FAILURE);
            assertThat(r.detail()).contains("source=vault", "java.io.IOException");
        });
    }

    @Test
    void aSourceThatFailsOnRefreshKeepsTheCredentialsInForce() throws Exception {
        password(OLD);
        CredentialedProvider<Session> provider = wrap(new Logins(false), new DirectoryCredentialSource(), settings());
        Session s = provider.create(settings());
        Files.delete(dir.resolve("password"));
        Files.createDirectory(dir.resolve("password")); // reading it now fails
        provider.refresh();
        assertThat(provider.rotations()).isZero();
        assertThat(provider.isStale(s)).isFalse();
    }

    @Test
    void everyUseAndRotationIsAuditedWithoutTheCredentialItself() throws Exception {
        password(OLD);
        CredentialedProvider<Session> provider = wrap(new Logins(true), new DirectoryCredentialSource(), settings());
        Session s = provider.create(settings());
        s.passwordNow();
        password(NEW);
        provider.refresh();
        s.passwordNow();

        assertThat(records).extracting(AuditRecord::kind).containsExactly(AuditKind.CREDENTIAL_USE,
                AuditKind.CREDENTIAL_USE, AuditKind.CREDENTIAL_ROTATION, AuditKind.CREDENTIAL_USE);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.principal()).isEqualTo("alice");
            assertThat(r.tenant()).isEqualTo("acme");
            assertThat(r.toLogLine() + r).doesNotContain(OLD).doesNotContain(NEW).doesNotContain("written-in-config");
        });
        assertThat(records.get(0).detail()).contains("keys=password,username", "for=instance");
        assertThat(records.get(1).detail()).contains("key=password", "for=connection");
    }
}
