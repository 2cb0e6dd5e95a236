package io.nebula.resource.it.support;

import io.nebula.resource.spi.ResourceProvider;
import org.assertj.core.api.Assertions;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The test archives, built the way an application is packaged: the application's classes in
 * {@code WEB-INF/classes} (found by annotated discovery), its {@code META-INF/microprofile-config.properties},
 * the test provider registered in its {@code META-INF/services}, and in {@code WEB-INF/lib} the extension with
 * its providers and their libraries, exactly the jars Maven resolved for this module (the build lists them in
 * the file {@code it.deployment.lib}). The library jars carry no {@code beans.xml}: the extension registers itself.
 *
 * <p>On embedded Weld the same archive is deployed; there the library classes come from the test class path
 * (the archive's class loader asks its parent first), and the archive's classes, beans.xml, configuration and
 * service registration are what the container reads.
 *
 * <p>On embedded OpenWebBeans the library classes come from the test class path too, and the archive carries no
 * {@code WEB-INF/lib}: OpenWebBeans' Arquillian scanner loads every class file of every jar there with
 * {@code Class.forName}, the multi-release entries included ({@code META-INF/versions/21/...} of Agroal), which
 * Java 17 refuses with {@code UnsupportedClassVersionError}. An application server reads a jar as the JVM does;
 * this scanner does not, so the jars stay where the JVM reads them.
 */
public final class Archives {

    private static final String BEANS_XML = """
            <beans xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0" bean-discovery-mode="annotated"/>
            """;

    private Archives() {
    }

    /** An application named {@code name} with the given configuration and classes, plus the test provider. */
    public static WebArchive application(String name, String configuration, Class<?>... classes) {
        WebArchive archive = ShrinkWrap.create(WebArchive.class, name + ".war")
                .addClasses(classes)
                .addClasses(Channel.class, ChannelBackend.class, ChannelProvider.class)
                .addAsServiceProvider(ResourceProvider.class, ChannelProvider.class)
                .addAsResource(new StringAsset(configuration), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(new StringAsset(BEANS_XML), "beans.xml");
        return Container.isOpenWebBeans() ? archive : archive.addAsLibraries(libraries());
    }

    /** The jars listed in {@code it.deployment.lib} (a class path), and AssertJ for the tests that run inside the server. */
    private static File[] libraries() {
        List<File> jars = new ArrayList<>();
        String list = System.getProperty("it.deployment.lib");
        if (list == null && Container.isLiberty()) {
            throw new IllegalStateException("system property it.deployment.lib is not set: the archives for Open Liberty "
                    + "need the extension's jars; run the tests with mvn verify in src-it");
        }
        if (list != null) {
            try {
                for (String jar : Files.readString(Path.of(list)).trim().split(File.pathSeparator)) {
                    jars.add(new File(jar));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the list of archive libraries " + list
                        + " (the build writes it in the package phase)", e);
            }
        }
        jars.add(jarOf(Assertions.class));
        return jars.toArray(File[]::new);
    }

    private static File jarOf(Class<?> type) {
        try {
            return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the jar of " + type.getName(), e);
        }
    }
}
