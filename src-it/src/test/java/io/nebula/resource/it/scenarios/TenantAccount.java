package io.nebula.resource.it.scenarios;

import io.nebula.resource.TenantScoped;
import io.nebula.resource.cdi.WorkflowContexts;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/** A {@code @TenantScoped} bean: a tenant's account, one per tenant. */
@TenantScoped
public class TenantAccount {

    @Inject
    WorkflowContexts contexts;

    private int serial;
    private String tenant;

    @PostConstruct
    void created() {
        serial = ScopeLog.nextSerial();
        tenant = contexts.current().tenant();
    }

    @PreDestroy
    void destroyed() {
        ScopeLog.destroyed("TenantAccount(" + tenant + ")");
    }

    /** Which instance this is: a new serial number for every instance created. */
    public int serial() {
        return serial;
    }

    public String tenant() {
        return tenant;
    }
}
