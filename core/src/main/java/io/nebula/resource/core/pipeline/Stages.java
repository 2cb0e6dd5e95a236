package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceException;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;

/** What the stages share: how a caught {@code Throwable} is thrown on. */
final class Stages {

    private Stages() {
    }

    /** {@code error} as what an acquisition may throw: an exception or an error, unchanged. */
    static Exception rethrow(Throwable error) {
        if (error instanceof Exception e) {
            return e;
        }
        if (error instanceof Error e) {
            throw e;
        }
        return new UndeclaredThrowableException(error);
    }

    /** Runs {@code pipeline}, whose innermost stage throws only unchecked exceptions, for callers that declare none. */
    static <T> T unchecked(String resource, Acquisition<T> pipeline, Duration timeout, io.nebula.resource.ResourceContext ctx) {
        try {
            return pipeline.acquire(timeout, ctx);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ResourceException(resource, "NEBULA-3003 Acquisition of '" + resource + "' failed with "
                    + e.getClass().getName(), e);
        }
    }
}
