package io.nebula.resource.sample.workflows;

import io.nebula.resource.Action;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.sample.orders.FetchOrders;
import io.nebula.resource.sample.orders.Order;
import io.nebula.resource.sample.orders.PaymentEvents;
import io.nebula.resource.sample.orders.ProcessPayments;
import io.nebula.resource.sample.orders.RecordLedger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.lang.System.Logger.Level.WARNING;

/**
 * The sample's workflow engine, as small as one can be: a workflow is a list of actions run one after
 * the other in the tenant's, the workflow's and a fresh execution's scopes (each {@link Action} then
 * opens its own action scope and acquires the resources it declares). An action that fails stops the
 * run; the actions after it are reported as skipped.
 */
@ApplicationScoped
public class Workflows {

    private static final System.Logger LOG = System.getLogger(Workflows.class.getName());

    @Inject
    WorkflowContexts contexts;

    @Inject
    FetchOrders fetchOrders;

    @Inject
    ProcessPayments processPayments;

    @Inject
    RecordLedger recordLedger;

    @Inject
    PaymentEvents paymentEvents;

    @Inject
    ResourceStatistics statistics;

    /** A workflow's actions, in order, each with the resources its {@link Action} declares. */
    public record Definition(String name, List<ActionInfo> actions) {
    }

    public record ActionInfo(String name, List<String> resources) {
    }

    private interface Step {
        Object run(Map<String, Object> results) throws Exception;
    }

    private record Planned(ActionInfo action, Step step) {
    }

    static final List<String> NAMES = List.of("fetch-orders", "process-payments");

    public List<Definition> definitions() {
        return NAMES.stream().map(this::definition).flatMap(Optional::stream).toList();
    }

    public Optional<Definition> definition(String workflow) {
        return plan(workflow, null, null).map(steps -> new Definition(workflow, steps.stream().map(Planned::action).toList()));
    }

    /** Runs {@code workflow} for {@code tenant}; empty when there is no such workflow. */
    public Optional<WorkflowRun> run(String workflow, String tenant) {
        String execution = workflow + "-" + UUID.randomUUID().toString().substring(0, 8);
        return plan(workflow, tenant, execution).map(steps -> run(workflow, tenant, execution, steps));
    }

    @SuppressWarnings("try") // the scope is entered for what the actions do inside it, not used directly
    private WorkflowRun run(String workflow, String tenant, String execution, List<Planned> steps) {
        Instant started = Instant.now();
        long start = System.nanoTime();
        List<StepResult> results = new ArrayList<>();
        Map<String, Object> outputs = new LinkedHashMap<>();
        boolean failed = false;
        Unavailable unavailable = null;
        try (ScopeHandle scope = contexts.enter(tenant, workflow, execution, null)) {
            for (Planned planned : steps) {
                ActionInfo action = planned.action();
                if (failed) {
                    results.add(new StepResult(action.name(), action.resources(), "skipped", 0, null, null));
                    continue;
                }
                long stepStart = System.nanoTime();
                try {
                    Object output = planned.step().run(outputs);
                    outputs.put(action.name(), output);
                    results.add(new StepResult(action.name(), action.resources(), "ok", millisSince(stepStart), output, null));
                } catch (Exception e) {
                    failed = true;
                    unavailable = Unavailable.of(e, action.resources(), r -> statistics.of(r).health()).orElse(null);
                    String what = "Action " + action.name() + " of workflow " + workflow + " (tenant " + tenant
                            + ", execution " + execution + ") failed";
                    if (unavailable == null) {
                        LOG.log(WARNING, what, e);
                    } else { // expected while a backend is down: one line each, not a stack trace per request
                        LOG.log(WARNING, what + ": resource '" + unavailable.resource() + "' unavailable ("
                                + unavailable.reason() + "): " + describe(e));
                    }
                    results.add(new StepResult(action.name(), action.resources(), "failed", millisSince(stepStart), null,
                            describe(e)));
                }
            }
        }
        return new WorkflowRun(workflow, tenant, execution, failed ? "failed" : "ok", started, millisSince(start), results,
                unavailable);
    }

    private Optional<List<Planned>> plan(String workflow, String tenant, String execution) {
        return switch (workflow) {
            case "fetch-orders" -> Optional.of(List.of(
                    new Planned(info(FetchOrders.class, "fetch"), outputs -> fetchOrders.fetch(tenant))));
            case "process-payments" -> Optional.of(List.of(
                    new Planned(info(ProcessPayments.class, "process"), outputs -> processPayments.process(tenant)),
                    new Planned(info(RecordLedger.class, "record"),
                            outputs -> recordLedger.record(tenant, execution, paid(outputs))),
                    new Planned(info(PaymentEvents.class, "publish"),
                            outputs -> paymentEvents.publish(tenant, paid(outputs)))));
            default -> Optional.empty();
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Order> paid(Map<String, Object> outputs) {
        return (List<Order>) outputs.getOrDefault("ProcessPayments", List.of());
    }

    /** The action's name and resources, as its {@link Action} annotation declares them. */
    private static ActionInfo info(Class<?> type, String method) {
        Method m = Arrays.stream(type.getMethods()).filter(x -> x.getName().equals(method)).findFirst()
                .orElseThrow(() -> new IllegalStateException(type.getName() + " has no method " + method));
        Action action = m.getAnnotation(Action.class);
        if (action == null) {
            throw new IllegalStateException(type.getName() + "#" + method + " is not an @Action");
        }
        return new ActionInfo(action.value(), List.of(action.resources()));
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getName()).append(": ").append(e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            b.append(" (caused by ").append(cause.getClass().getName()).append(": ").append(cause.getMessage()).append(')');
        }
        return b.toString();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
