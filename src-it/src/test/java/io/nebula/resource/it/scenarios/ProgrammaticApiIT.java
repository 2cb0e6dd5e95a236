package io.nebula.resource.it.scenarios;

import io.nebula.resource.it.support.Archives;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ProgrammaticApiScenarios} on the Arquillian containers: this archive, with the scenario's configuration. */
@ExtendWith(ArquillianExtension.class)
class ProgrammaticApiIT extends ProgrammaticApiScenarios {

    @Deployment
    static WebArchive application() {
        return Archives.application("programmatic-api", """
                        nebula.resource.jobs.kind=it-channel
                        nebula.resource.jobs.pool.max-size=2
                        nebula.resource.jobs.pool.acquire-timeout=2s
                        nebula.resource.events.kind=it-channel
                        nebula.resource.events.scope=execution
                        """,
                ProgrammaticApiIT.class, ProgrammaticApiScenarios.class);
    }
}
