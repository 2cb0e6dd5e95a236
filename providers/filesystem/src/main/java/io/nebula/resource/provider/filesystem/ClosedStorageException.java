package io.nebula.resource.provider.filesystem;

/** The filesystem resource was closed; the engine treats this as fatal and replaces the storage handle. */
final class ClosedStorageException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ClosedStorageException(String resource) {
        super("filesystem resource '" + resource + "' is closed");
    }
}
