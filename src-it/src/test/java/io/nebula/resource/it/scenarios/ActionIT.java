package io.nebula.resource.it.scenarios;

import io.nebula.resource.it.support.Archives;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ActionScenarios} on the Arquillian containers: this archive, with the scenario's configuration. */
@ExtendWith(ArquillianExtension.class)
class ActionIT extends ActionScenarios {

    @Deployment
    static WebArchive application() {
        return Archives.application("actions", """
                        nebula.resource.gateway.kind=it-channel
                        nebula.resource.gateway.pool.max-size=1
                        nebula.resource.gateway.pool.acquire-timeout=2s
                        nebula.resource.ledger.kind=it-channel
                        nebula.resource.ledger.scope=action
                        nebula.resource.flaky.kind=it-channel
                        nebula.resource.flaky.pool.acquire-timeout=500ms
                        """,
                ActionIT.class, ActionScenarios.class, Payments.class, Payments.Observed.class);
    }
}
