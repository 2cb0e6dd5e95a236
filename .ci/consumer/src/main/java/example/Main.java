package example;

import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.enterprise.inject.se.SeContainerInitializer;

/** The Weld SE application of docs/getting-started.md: boots the container, runs one workflow, stops. */
public final class Main {

    public static void main(String[] args) throws Exception {
        try (SeContainer container = SeContainerInitializer.newInstance().initialize()) {
            WorkflowContexts contexts = container.select(WorkflowContexts.class).get();
            Orders orders = container.select(Orders.class).get();
            try (ScopeHandle scope = contexts.enter("acme", "place-orders", "run-1", null)) {
                orders.place("book");
                System.out.println("nebula-consumer: " + orders.place("lamp") + " orders in orders-db");
            }
        }
    }
}
