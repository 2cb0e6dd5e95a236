package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.admin.AdminAction;
import io.nebula.resource.admin.ResourcePausedException;

import java.time.Duration;

/**
 * An operator paused or drained the resource ({@code ResourceAdmin.pause}, {@code drain}): every new acquisition is
 * refused at once with {@link ResourcePausedException}. In the pipeline only while the hold is on: pausing assembles
 * the pool's pipelines again with it, resuming without it, so a resource that was never paused pays nothing. An
 * acquisition that had already passed this point when the hold came goes on; a lease out is never taken away.
 *
 * <p>Inside the fallback stage, so a resource with a {@code fallback} is served by it meanwhile, and inside metering,
 * so a refusal is counted as a failed acquisition.
 */
final class OperatorHold<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final String resource;
    private final AdminAction action;

    OperatorHold(Acquisition<T> next, String resource, AdminAction action) {
        this.next = next;
        this.resource = resource;
        this.action = action;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "operator hold";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) {
        throw refusal(resource, action);
    }

    static ResourcePausedException refusal(String resource, AdminAction action) {
        return new ResourcePausedException(resource, action, "NEBULA-4401 Could not acquire '" + resource + "': an"
                + " operator " + (action == AdminAction.DRAIN ? "drained" : "paused") + " it and it takes no new"
                + " leases until it is resumed (ResourceAdmin.resume)");
    }
}
