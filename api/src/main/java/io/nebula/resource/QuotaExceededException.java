package io.nebula.resource;

/** A tenant asked for more than its quota allows; thrown at once, without waiting. */
public class QuotaExceededException extends ResourceException {
    private static final long serialVersionUID = 1L;

    private final String tenant;
    private final String limit;
    private final long value;

    /**
     * @param limit the name of the limit, e.g. {@code max-concurrent-leases}
     * @param value the configured limit
     */
    public QuotaExceededException(String resource, String tenant, String limit, long value) {
        super(resource, "Tenant '" + tenant + "' exceeded its quota on resource '" + resource + "': "
                + limit + "=" + value);
        this.tenant = tenant;
        this.limit = limit;
        this.value = value;
    }

    /**
     * For a limit that is not the tenant's own quota but one its request ran into, such as the cap on live
     * tenant pools: {@code message} says which and what to do.
     */
    public QuotaExceededException(String resource, String tenant, String limit, long value, String message) {
        super(resource, message);
        this.tenant = tenant;
        this.limit = limit;
        this.value = value;
    }

    public String tenant() {
        return tenant;
    }

    public String limit() {
        return limit;
    }

    public long value() {
        return value;
    }
}
