package io.nebula.resource.cdi.testing;

import java.io.IOException;

/**
 * A thread-safe client of a remote service, shared by all its users and offered as an interface (think a Lettuce
 * connection or a NATS {@code Connection}): the instance of a {@code test-remote} resource.
 */
public interface RemoteClient {

    /** A call to the service; declares its own exception family, as JDBC's {@code SQLException}. */
    String call(String what) throws IOException;

    /** Which instance this is; declares nothing. */
    int id();
}
