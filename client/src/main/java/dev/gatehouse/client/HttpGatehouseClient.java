package dev.gatehouse.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link GatehouseClient} over the JDK's {@link HttpClient}, on a pool of daemon threads named
 * {@code gatehouse-client-N} that {@link #close()} stops. Immutable after construction and thread-safe.
 */
final class HttpGatehouseClient implements GatehouseClient {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Transport transport;
    private final Requests requests;

    private HttpGatehouseClient(Transport transport, Requests requests) {
        this.transport = transport;
        this.requests = requests;
    }

    static GatehouseClient create(URI url, String key, Duration connectTimeout, Duration requestTimeout,
                                  Duration bulkTimeout, RetryPolicy retry, int pageSize, long revision) {
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-client-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ExecutorService executor = Executors.newCachedThreadPool(threads);
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        Transport transport = new Transport(http, executor, url, key, retry, revision);
        return new HttpGatehouseClient(transport, new Requests(transport, requestTimeout, bulkTimeout, pageSize));
    }

    @Override
    public Models models() {
        return new HttpModels(requests);
    }

    @Override
    public Organizations organizations() {
        return new HttpOrganizations(requests);
    }

    @Override
    public ReplicaKeys replicaKeys() {
        return new HttpReplicaKeys(requests);
    }

    @Override
    public OrgClient org(long orgId) {
        return new HttpOrgClient(requests, orgId);
    }

    @Override
    public Bulk bulk() {
        return HttpBulk.deployment(requests);
    }

    @Override
    public EngineState engine() {
        return requests.get("/v1/engine", EngineState::from);
    }

    @Override
    public long revision() {
        return transport.revision();
    }

    @Override
    public void observeRevision(long revision) {
        transport.observe(GatehouseClient.Builder.revisionToken(revision));
    }

    @Override
    public void close() {
        transport.close();
    }
}
