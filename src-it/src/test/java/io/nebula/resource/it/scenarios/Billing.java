package io.nebula.resource.it.scenarios;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.it.support.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A bean of the misconfigured archive: it injects a resource that no configuration declares. */
@ApplicationScoped
public class Billing {

    @Inject
    @NebulaResource("invoices")
    Channel invoices;
}
