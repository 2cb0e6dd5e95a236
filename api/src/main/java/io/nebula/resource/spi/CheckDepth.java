package io.nebula.resource.spi;

/** How hard a health check looks. */
public enum CheckDepth {
    /** Cheap: is the instance alive (connection valid, PING, status CONNECTED). Used on borrow and keep-alive. */
    SHALLOW,
    /** A real round trip (a query, SET+GET, publish+request). Used by scheduled health checks when configured. */
    DEEP
}
