package io.nebula.resource.cdi;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The extension's packages, and which may use which. Top to bottom:
 * <pre>
 * io.nebula.resource.cdi            the wiring: the extension, the runtime (resources, weaving, events, audit)
 *   ├─ action                       the @Action interceptor
 *   ├─ inject                       synthetic beans, views, lease types, injection points
 *   ├─ scope                        the workflow scopes, their contexts and the lease context
 *   ├─ config                       reading and checking MicroProfile Config
 *   └─ integration..                one package per optional library (OpenTelemetry, MP Metrics, SmallRye FT,
 *                                   MP Health) and the telemetry neutral to them: used by the wiring only
 * io.nebula.resource.cdi (public)   WorkflowContexts, ScopeHandle, ContextSnapshot: the types applications use;
 *                                   they use nothing of the extension
 * </pre>
 * A package uses only those below it: action, inject and scope reach the runtime through interfaces of their own
 * ({@code ActionScopes}, {@code InjectableResource}, a function for {@code LeaseContext}), which the wiring
 * implements. The public types live in the root package because applications import them from there; they are
 * the bottom layer, which every package may use.
 */
class ArchitectureTest {

    // The module's own classes only, imported once for all rules. ArchUnit fails a rule that checked no class
    // at all (archRule.failOnEmptyShould, on by default), so a missing target/classes cannot pass vacuously.
    static final JavaClasses extension = new ClassFileImporter().importPath(Paths.get("target", "classes"));

    static final String ROOT = "io.nebula.resource.cdi";
    static final Set<String> PUBLIC_API = Set.of("WorkflowContexts", "ScopeHandle", "ContextSnapshot");

    @Test
    void thePackagesFormNoCycle() {
        // every package below the root its own slice: integration.otel and integration.metrics are two
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(extension);
    }

    @Test
    void eachPackageUsesOnlyThoseBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("Wiring").definedBy(inRoot(false))
                .layer("Action").definedBy(ROOT + ".action..")
                .layer("Inject").definedBy(ROOT + ".inject..")
                .layer("Scope").definedBy(ROOT + ".scope..")
                .layer("Config").definedBy(ROOT + ".config..")
                .layer("Integration").definedBy(ROOT + ".integration..")
                .layer("Public API").definedBy(inRoot(true))

                .whereLayer("Wiring").mayNotBeAccessedByAnyLayer()
                .whereLayer("Action").mayOnlyBeAccessedByLayers("Wiring")
                .whereLayer("Inject").mayOnlyBeAccessedByLayers("Wiring", "Action")
                .whereLayer("Scope").mayOnlyBeAccessedByLayers("Wiring", "Action", "Inject")
                .whereLayer("Config").mayOnlyBeAccessedByLayers("Wiring", "Action", "Inject", "Scope")
                .whereLayer("Integration").mayOnlyBeAccessedByLayers("Wiring")
                .whereLayer("Integration").mayNotAccessAnyLayer()
                .whereLayer("Public API").mayNotAccessAnyLayer()
                .check(extension);
    }

    @Test
    void theExtensionUsesNoJdbc() {
        // No java.sql outside providers/jdbc: a JDBC pool's data source is the provider's own.
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..").check(extension);
    }

    @Test
    void onlyTheIntegrationsKnowTheOptionalLibraries() {
        // They may be absent from the class path: a class outside integration.. that referred to one would fail
        // to load there (WithoutOptionalIntegrationsTest deploys without them).
        noClasses().that().resideOutsideOfPackage(ROOT + ".integration..")
                .should().dependOnClassesThat().resideInAnyPackage("io.opentelemetry..",
                        "org.eclipse.microprofile.metrics..", "org.eclipse.microprofile.health..",
                        "io.smallrye.faulttolerance..", "org.eclipse.microprofile.faulttolerance..")
                .check(extension);
    }

    @Test
    void eachOptionalLibraryStaysInItsOwnIntegrationPackage() {
        confined(ROOT + ".integration.otel..", "io.opentelemetry..");
        confined(ROOT + ".integration.metrics..", "org.eclipse.microprofile.metrics..");
        confined(ROOT + ".integration.health..", "org.eclipse.microprofile.health..");
        confined(ROOT + ".integration.faulttolerance..", "io.smallrye.faulttolerance..",
                "org.eclipse.microprofile.faulttolerance..");
    }

    private static void confined(String integration, String... library) {
        noClasses().that().resideOutsideOfPackage(integration)
                .should().dependOnClassesThat().resideInAnyPackage(library).check(extension);
    }

    /** A class of the root package (nested ones by their outermost class): of its public API, or of its wiring. */
    private static DescribedPredicate<JavaClass> inRoot(boolean publicApi) {
        return DescribedPredicate.describe(publicApi ? "the public API of " + ROOT : "the wiring in " + ROOT,
                c -> c.getPackageName().equals(ROOT)
                        && PUBLIC_API.contains(c.getName().substring(ROOT.length() + 1).split("\\$")[0]) == publicApi);
    }
}
