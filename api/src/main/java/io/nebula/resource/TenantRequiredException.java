package io.nebula.resource;

/**
 * A resource of scope {@code tenant} was asked for where no tenant is in effect, or for a tenant id that
 * cannot name a tenant. A tenant-scoped resource never falls back to a shared pool: serving such a request
 * could hand one tenant's connection to another.
 */
public class TenantRequiredException extends ResourceException {
    private static final long serialVersionUID = 1L;

    public TenantRequiredException(String resource, String message) {
        super(resource, message);
    }
}
