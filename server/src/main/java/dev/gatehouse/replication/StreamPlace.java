package dev.gatehouse.replication;

/**
 * One replica read's place among those a node holds at once ({@link StreamPlaces}): taken when the read starts, closed
 * when it ends; closing it again does nothing. Not thread-safe: one per request.
 */
public final class StreamPlace implements AutoCloseable {

    private final Runnable release;
    private boolean closed;

    StreamPlace(Runnable release) {
        this.release = release;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }
}
