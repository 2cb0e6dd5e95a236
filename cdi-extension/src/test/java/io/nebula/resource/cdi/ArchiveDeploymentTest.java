package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.archive.Ledger;
import io.nebula.resource.cdi.testing.CounterProvider;
import io.nebula.resource.cdi.testing.Pinger;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.spi.ResourceProvider;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The extension deployed the way an application ships it, on Arquillian's embedded Weld: one archive
 * holding the application's beans (found by scanning), the library (registered as an extension through
 * the archive's {@code META-INF/services}, and not scanned, like a library jar without
 * {@code beans.xml}), a provider, and the archive's own {@code META-INF/microprofile-config.properties}.
 */
@ExtendWith(ArquillianExtension.class)
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class ArchiveDeploymentTest {

    /** The library's packages below {@code io.nebula.resource.cdi}: in the archive, not scanned. */
    private static final String[] LIBRARY_PACKAGES = {"io.nebula.resource.cdi.action", "io.nebula.resource.cdi.config",
            "io.nebula.resource.cdi.inject", "io.nebula.resource.cdi.integration", "io.nebula.resource.cdi.scope"};

    @Deployment
    static JavaArchive application() {
        return ShrinkWrap.create(JavaArchive.class, "ledger-app.jar")
                .addPackage(Ledger.class.getPackage())
                .addPackage(NebulaExtension.class.getPackage())
                .addPackages(true, LIBRARY_PACKAGES)
                .addAsServiceProvider(Extension.class, NebulaExtension.class)
                .addClasses(CounterProvider.class, TestConnection.class, Pinger.class, TestBackend.class)
                .addAsServiceProvider(ResourceProvider.class, CounterProvider.class)
                .addAsManifestResource(new StringAsset("""
                        nebula.resource.ledger-db.kind=test-counter
                        nebula.resource.ledger-db.pool.max-size=3
                        nebula.resource.audit.kind=test-counter
                        nebula.resource.audit.scope=execution
                        """), "microprofile-config.properties")
                .addAsManifestResource(new StringAsset("""
                        <beans xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0" bean-discovery-mode="annotated">
                          <scan>
                            <exclude name="io.nebula.resource.cdi.*"/>
                            <exclude name="io.nebula.resource.cdi.action.**"/>
                            <exclude name="io.nebula.resource.cdi.config.**"/>
                            <exclude name="io.nebula.resource.cdi.inject.**"/>
                            <exclude name="io.nebula.resource.cdi.integration.**"/>
                            <exclude name="io.nebula.resource.cdi.scope.**"/>
                          </scan>
                        </beans>
                        """), "beans.xml");
    }

    @Inject
    Ledger ledger;

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Test
    void theResourcesDeclaredInTheArchivesConfigurationExist() {
        assertThat(resources.names()).containsExactly("audit", "ledger-db");
        assertThat(resources.find("ledger-db").orElseThrow().pool().maxSize()).isEqualTo(3);
    }

    @Test
    void anArchiveBeanGetsItsResourceInsideAnAction() {
        try (ScopeHandle run = contexts.enter("acme", "ledger", "run-1", null)) {
            assertThat(ledger.post("credit")).startsWith("ledger-db#").endsWith(":credit (active 1)");
            assertThat(ledger.post("debit")).endsWith(":debit (active 1)");
            assertThat(ledger.journalSize()).as("one execution-scoped journal for both actions").isEqualTo(2);
            assertThat(resources.find("ledger-db").orElseThrow().pool().active()).as("released after each action").isZero();
            assertThat(contexts.current()).isEqualTo(new ResourceContext("acme", "ledger", "run-1", null));
        }
        assertThatThrownBy(ledger::journalSize).isInstanceOf(ContextNotActiveException.class);
    }

    @Test
    void aResourceDeclaredOnlyInConfigurationIsUsableWithoutAnInjectionPoint() {
        try (ScopeHandle run = contexts.enter("acme", "ledger", "run-2", "audit")) {
            assertThat(resources.get("audit", TestConnection.class).query("x")).startsWith("audit#");
            assertThat(resources.find("audit").orElseThrow().pool().active()).isEqualTo(1);
        }
        assertThat(resources.find("audit").orElseThrow().pool().active()).isZero();
    }
}
