package io.nebula.resource.it.liberty;

import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.it.support.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The action of the observability archive: it uses the pooled {@code bank} resource. */
@ApplicationScoped
public class Bank {

    @Inject
    @NebulaResource("bank")
    Channel bank;

    @Action(value = "transfer", resources = "bank")
    public String transfer(String amount) {
        return bank.send("transfer " + amount);
    }
}
