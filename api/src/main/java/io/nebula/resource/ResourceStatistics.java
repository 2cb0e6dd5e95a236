package io.nebula.resource;

/**
 * What the application's resources are doing now, read programmatically: for a dashboard or an endpoint of the
 * application's own, where {@code /health} and {@code /metrics} are meant for machines. Under CDI, inject it (the
 * extension adds the bean):
 * <pre>
 * &#64;Inject ResourceStatistics statistics;
 * ResourceFigures figures = statistics.of("orders-db");
 * </pre>
 * Every figure is read when asked, from the live pools; nothing is sampled in the background.
 */
public interface ResourceStatistics {

    /**
     * The figures of {@code resource} over all its pools: its shared pool and, for a {@code tenant}-scoped
     * resource, every tenant's.
     *
     * @throws ConfigurationInvalidException when no resource of that name is declared
     */
    ResourceFigures of(String resource);
}
