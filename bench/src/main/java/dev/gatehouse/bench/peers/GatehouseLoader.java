package dev.gatehouse.bench.peers;

import java.net.URI;

/**
 * Puts the workload into a running Gatehouse server and says where each tenant landed. The side-by-side run
 * measures the time this takes as Gatehouse's load time; the implementation in use is chosen in one place,
 * {@link PeersRun#LOADER}.
 */
interface GatehouseLoader {

    /** Organization ids by tenant index, as the server assigned them. */
    record Loaded(long[] orgIds) {
    }

    /** A short description for the results ("bulk import, one request per tenant"). */
    String description();

    /** Builds what {@link #load} sends, before the load is timed (as the peers' inputs are); optional. */
    default void prepare(Workload workload) {
    }

    Loaded load(Workload workload, URI server, String serviceKey) throws Exception;
}
