package io.nebula.resource.it.scenarios;

import io.nebula.resource.it.support.Archives;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ScopeFallbackScenarios} on the Arquillian containers: this archive, with the scenario's configuration. */
@ExtendWith(ArquillianExtension.class)
class ScopeFallbackIT extends ScopeFallbackScenarios {

    @Deployment
    static WebArchive application() {
        return Archives.application("scope-fallback", """
                        nebula.resource.step.kind=it-channel
                        nebula.resource.step.scope=action
                        nebula.resource.run.kind=it-channel
                        nebula.resource.run.scope=execution
                        nebula.resource.per-tenant.kind=it-channel
                        nebula.resource.per-tenant.scope=tenant
                        """,
                ScopeFallbackIT.class, ScopeFallbackScenarios.class, FallbackUses.class);
    }
}
