package io.nebula.resource.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class ArchitectureTest {

    // The module's own classes only: scanning the whole class path for the package takes seconds.
    final JavaClasses core = new ClassFileImporter().importPath(Paths.get("target", "classes"));

    @Test
    void theEngineKnowsNoContainer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("jakarta..", "javax.enterprise..",
                "org.eclipse.microprofile..").check(core);
    }

    @Test
    void theEngineTakesNoMonitorAroundProviderCalls() {
        // Virtual-thread friendly: no class of the engine declares a synchronized method.
        noClasses().should(new com.tngtech.archunit.lang.ArchCondition<com.tngtech.archunit.core.domain.JavaClass>(
                "declare synchronized methods") {
            @Override
            public void check(com.tngtech.archunit.core.domain.JavaClass c,
                              com.tngtech.archunit.lang.ConditionEvents events) {
                c.getMethods().stream()
                        .filter(m -> m.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.SYNCHRONIZED))
                        .forEach(m -> events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(m,
                                m.getFullName() + " is synchronized")));
            }
        }).check(core);
    }
}
