package io.nebula.resource.it.scenarios;

import io.nebula.resource.it.support.Archives;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link InjectionScenarios} on the Arquillian containers: this archive, with the scenario's configuration. */
@ExtendWith(ArquillianExtension.class)
class InjectionIT extends InjectionScenarios {

    @Deployment
    static WebArchive application() {
        return Archives.application("injection", """
                        nebula.resource.orders-db.kind=h2
                        nebula.resource.orders-db.url=jdbc:h2:mem:it-injection;DB_CLOSE_DELAY=-1
                        nebula.resource.orders-db.pool.max-size=4
                        nebula.resource.jobs.kind=it-channel
                        nebula.resource.jobs.pool.max-size=2
                        nebula.resource.jobs.pool.acquire-timeout=2s
                        """,
                InjectionIT.class, InjectionScenarios.class, Orders.class, Dispatcher.class);
    }
}
