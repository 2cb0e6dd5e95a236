package io.nebula.resource.provider.filesystem;

/** A path would lead outside the root of a filesystem resource; nothing was read or written. */
final class RootEscapeException extends SecurityException {
    private static final long serialVersionUID = 1L;

    RootEscapeException(String resource, String path, String how) {
        super("filesystem resource '" + resource + "': path '" + path + "' " + how + "; refused");
    }
}
