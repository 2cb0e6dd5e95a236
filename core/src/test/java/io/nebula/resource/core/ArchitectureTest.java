package io.nebula.resource.core;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.ClassReader;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.ClassVisitor;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.Label;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.MethodVisitor;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Paths;
import java.util.Optional;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class ArchitectureTest {

    // The module's own classes only (every package of core, present and future), imported once for all rules:
    // scanning the whole class path for the package takes seconds. ArchUnit fails a rule that checked no class
    // at all (archRule.failOnEmptyShould, on by default), so a missing target/classes cannot pass vacuously.
    static final JavaClasses core = new ClassFileImporter().importPath(Paths.get("target", "classes"));

    @Test
    void theEngineKnowsNoContainerAndNoTelemetryLibrary() {
        // The engine runs under CDI, MicroProfile or nothing at all; the integrations live in their own modules.
        noClasses().should().dependOnClassesThat().resideInAnyPackage("jakarta..", "javax.enterprise..",
                "org.eclipse.microprofile..", "io.smallrye..", "io.opentelemetry..").check(core);
    }

    @Test
    void theEngineUsesNoJdbc() {
        // No java.sql outside providers/jdbc: the engine pools any kind of resource, JDBC is one provider.
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..").check(core);
    }

    @Test
    void declaredResourcesSitAboveTheEngine() {
        // core.declared turns a resource's settings into a declaration and makes its pools from the engine, the
        // pipeline, tenancy, credentials and audit; none of those knows a declaration, so each stays usable alone.
        noClasses().that().resideOutsideOfPackage("io.nebula.resource.core.declared..")
                .should().dependOnClassesThat().resideInAPackage("io.nebula.resource.core.declared..").check(core);
    }

    @Test
    void theEngineTakesNoMonitor() {
        // Virtual-thread friendly: a virtual thread that blocks while holding a monitor (a synchronized method
        // or block) pins its carrier thread on JDK < 24 (JEP 491 lifted that in 24), so a provider call, a wait
        // or a park under a monitor takes a carrier away from every other virtual thread. The engine uses
        // java.util.concurrent locks and atomics instead.
        //
        // Written as classes().should(condition reporting violations): noClasses().should(...) would invert
        // the condition's events and pass exactly when there are violations.
        classes().should(TAKE_NO_MONITOR).check(core);
    }

    /**
     * Fails on each method that has the {@code ACC_SYNCHRONIZED} flag (a synchronized method) or a
     * {@code monitorenter} instruction (a synchronized block, including one in a lambda's synthetic method).
     * ArchUnit sees the first as a modifier but has no model of the second, so this reads the bytecode itself
     * with the ASM that ArchUnit ships shaded (there is no class-file API in the JDK before 24).
     */
    static final ArchCondition<JavaClass> TAKE_NO_MONITOR = new ArchCondition<>("take no monitor (no synchronized method or block)") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
            new ClassReader(bytecodeOf(c)).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    Optional<JavaCodeUnit> unit = c.getCodeUnits().stream()
                            .filter(u -> u.getName().equals(name) && u.getDescriptor().equals(descriptor))
                            .findFirst();
                    String method = unit.map(JavaCodeUnit::getFullName).orElse(c.getName() + "." + name + descriptor);
                    Object where = unit.isPresent() ? unit.get() : c;
                    return new MethodVisitor(Opcodes.ASM9) {
                        private int firstLine;
                        private int line;

                        @Override
                        public void visitLineNumber(int number, Label start) {
                            if (firstLine == 0) {
                                firstLine = number;
                            }
                            line = number;
                        }

                        @Override
                        public void visitInsn(int opcode) {
                            if (opcode == Opcodes.MONITORENTER) {
                                events.add(SimpleConditionEvent.violated(where, "Method <" + method + "> enters a"
                                        + " monitor (synchronized block) in (" + sourceFile(c) + ":" + line + ")"));
                            }
                        }

                        @Override
                        public void visitEnd() {
                            if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                                events.add(SimpleConditionEvent.violated(where, "Method <" + method + "> is"
                                        + " synchronized in (" + sourceFile(c) + ":" + firstLine + ")"));
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_FRAMES);
        }
    };

    private static byte[] bytecodeOf(JavaClass c) {
        Source source = c.getSource().orElseThrow(() -> new AssertionError("no class file for " + c.getName()));
        try (InputStream in = source.getUri().toURL().openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source.getUri(), e);
        }
    }

    private static String sourceFile(JavaClass c) {
        return c.getSource().flatMap(Source::getFileName).orElse(c.getSimpleName() + ".java");
    }
}
