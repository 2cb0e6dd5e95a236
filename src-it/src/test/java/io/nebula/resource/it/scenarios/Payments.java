package io.nebula.resource.it.scenarios;

import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.it.support.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Actions of a payment workflow. Each reports what it saw while running: the scope it ran in and how many
 * instances of its resources were leased at that moment, so the test can tell they were acquired before.
 */
@ApplicationScoped
public class Payments {

    /** What an action saw while it ran. */
    public record Observed(ResourceContext context, int gatewayActive, int ledgerActive, String sent) {
    }

    private final AtomicInteger settleRuns = new AtomicInteger();

    @Inject
    @NebulaResource("gateway")
    Channel gateway;

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Action(value = "charge", resources = {"gateway", "ledger"})
    public Observed charge(String order) {
        return new Observed(contexts.current(), active("gateway"), active("ledger"), gateway.send("charge " + order));
    }

    @Action(value = "refund", resources = "gateway")
    public void refund(String order) {
        gateway.send("refund " + order);
        throw new IllegalStateException("refund of " + order + " refused by the bank");
    }

    /** Needs {@code flaky}, whose backend the test takes down. */
    @Action(value = "settle", resources = {"gateway", "flaky"})
    public void settle() {
        settleRuns.incrementAndGet();
    }

    public int settleRuns() {
        return settleRuns.get();
    }

    private int active(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
