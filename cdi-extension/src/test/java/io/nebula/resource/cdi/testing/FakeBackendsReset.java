package io.nebula.resource.cdi.testing;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Forgets what the previous test did to the {@link TestBackend} and the {@link FlakyBackend} (downs, failure modes, held
 * checks). Registered for every test of this module by JUnit's extension auto-detection
 * ({@code junit-platform.properties}, {@code META-INF/services}), so it runs before any other extension's
 * {@code beforeEach} — before the test's container starts.
 */
public final class FakeBackendsReset implements BeforeEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        TestBackend.reset();
        FlakyBackend.reset();
    }
}
