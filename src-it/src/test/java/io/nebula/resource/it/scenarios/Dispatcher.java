package io.nebula.resource.it.scenarios;

import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.it.support.Channel;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** A bean that holds a lease of its own on the pooled {@code jobs} resource, for as long as the bean lives. */
@Dependent
public class Dispatcher {

    @Inject
    @NebulaResource("jobs")
    Lease<Channel> channel;

    public Lease<Channel> lease() {
        return channel;
    }

    public String dispatch(String job) {
        return channel.get().send(job);
    }
}
