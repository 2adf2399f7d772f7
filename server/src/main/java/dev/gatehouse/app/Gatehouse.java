package dev.gatehouse.app;

import dev.gatehouse.assignment.AssignmentExpiry;
import dev.gatehouse.assignment.AssignmentRules;
import dev.gatehouse.bulk.BulkServices;
import dev.gatehouse.bulk.ExportService;
import dev.gatehouse.bulk.ImportOptions;
import dev.gatehouse.bulk.ImportService;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeTailer;
import dev.gatehouse.changelog.FeedMetrics;
import dev.gatehouse.changelog.NodeRegistry;
import dev.gatehouse.changelog.Retention;
import dev.gatehouse.closemembership.CloseMembershipService;
import dev.gatehouse.decision.DecisionService;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.event.EventService;
import dev.gatehouse.grant.GrantService;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.HttpServer;
import dev.gatehouse.http.ReadinessGate;
import dev.gatehouse.http.close.CloseApi;
import dev.gatehouse.http.close.CloseWebhookFormat;
import dev.gatehouse.http.console.ConsoleDialect;
import dev.gatehouse.http.ops.OpsDialect;
import dev.gatehouse.http.rooms.RoomsApi;
import dev.gatehouse.http.tls.TlsKeys;
import dev.gatehouse.http.tls.TlsSettings;
import dev.gatehouse.http.v1.NativeApi;
import dev.gatehouse.replication.ReplicationHub;
import dev.gatehouse.replication.ReplicationService;
import dev.gatehouse.apikey.ReplicaKeyService;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.office.OfficeService;
import dev.gatehouse.oidc.OidcService;
import dev.gatehouse.preview.PreviewService;
import dev.gatehouse.resource.ResourceService;
import dev.gatehouse.role.RoleChangeRules;
import dev.gatehouse.room.RoomService;
import dev.gatehouse.room.RoomsPermissions;
import dev.gatehouse.room.RoomsRoleService;
import dev.gatehouse.room.RoomsRules;
import dev.gatehouse.room.RoomsUserService;
import dev.gatehouse.store.Database;
import dev.gatehouse.store.WriteMetrics;
import dev.gatehouse.webhook.WebhookDispatcher;
import dev.gatehouse.webhook.WebhookRetention;
import dev.gatehouse.webhook.WebhookService;
import dev.gatehouse.webhook.WebhookSettings;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Gatehouse node, assembled feature by feature: the database ({@link Storage}), what every feature stands on
 * ({@link Core}: store, change feed, models, engine, access, keys), the management domain ({@link Directory}),
 * history, webhooks and decisions, each dialect's own domain, the background jobs, metrics and HTTP. This class
 * is the one place that knows them all; each feature, and each dialect, receives only what it uses.
 *
 * <p>{@link #start} brings the node up in dependency order (database and migrations, the engine rebuilt from the
 * database, background jobs, then HTTP), once it has found the ports it listens on free ({@link PortProbe});
 * {@link #close} takes it down in reverse. Thread-safe after start.
 */
public final class Gatehouse implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gatehouse.class);

    private final Config config;
    private final InstantSource clock;
    /** What {@link #close} stops, first to last (the reverse of starting). */
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** Recent changes as engine operations, for the change streams replicas follow. */
    private ReplicationHub replicationHub;
    private Core core;
    private Directory directory;
    private DecisionService decisions;
    private CloseMembershipService closeMemberships;
    private OfficeService offices;
    private AssignmentExpiry expiry;
    private NodeRegistry nodes;
    private Retention retention;
    private HttpServer http;
    private String generatedServiceKey;
    private volatile boolean ready;

    private Gatehouse(Config config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Starts a node on the system clock. */
    public static Gatehouse start(Config config) {
        return start(config, InstantSource.system());
    }

    /**
     * Starts a node whose every reading of the time comes from {@code clock}: the time a write stamps, webhook
     * signatures, due times and retry windows, retention, rate-limit windows, the end of time-bound assignments,
     * certificate validity, the change
     * feed's lag and the webhook backlog's age. (Durations the
     * node measures for itself, such as timeouts, use {@link System#nanoTime}; leases between nodes and node liveness
     * use the database's time.)
     */
    public static Gatehouse start(Config config, InstantSource clock) {
        Gatehouse node = new Gatehouse(config, clock);
        try {
            node.startUp();
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startUp() {
        PortProbe.requireFree(config.host(), Arrays.asList(config.port(), config.tls().port(),
                config.http().managementPort()));
        // the operator's keystore is read before any database work: one that cannot serve stops the start at once
        TlsKeys configuredKeys = config.tls().port() != null && config.tls().keystore() != null
                ? configuredKeys(config.tls(), clock.instant()) : null;
        Storage storage = stopLast(Storage.start(config.dataDir(), config.database()));
        Database database = storage.database();
        PrometheusMeterRegistry metrics = metrics(database);
        core = Core.wire(database.jdbi(), config.limits(), config.serviceKey(), config.previousServiceKey(), clock,
                config.database().lanes(), storage.health());
        stopFirst(core.store());
        FeedMetrics.register(core.feed(), metrics);
        WriteMetrics.register(core.store(), metrics);
        RoomsRules roomsRules = new RoomsRules();
        AssignmentRules assignmentRules = AssignmentRules.byModel(Map.of(RoomsPermissions.MODEL, roomsRules,
                RoomsPermissions.MODEL_V5, roomsRules));
        directory = Directory.wire(core, MemberRules.byModel(Map.of(RoomsPermissions.MODEL, roomsRules,
                RoomsPermissions.MODEL_V5, roomsRules)),
                assignmentRules, RoleChangeRules.byModel(Map.of(RoomsPermissions.MODEL, roomsRules,
                        RoomsPermissions.MODEL_V5, roomsRules)));
        offices = new OfficeService(core.access(), core.orgModels(), directory.assignments());
        EventService events = new EventService(core.orgModels(), core.access(), core.feed(), assignmentRules);
        closeMemberships = new CloseMembershipService(core.access(), directory.members(), core.orgModels());
        WebhookService webhooks = new WebhookService(core.store(), core.orgModels(), core.access(), events,
                config.webhooks().targets(),
                List.of(new CloseWebhookFormat(directory.roles(), events, closeMemberships)));
        decisions = new DecisionService(core.engine(), core.feed(), core.access(), directory.members(),
                directory.assignments(), core.models(),
                metrics);
        OidcService oidc = new OidcService(config.oidc(), core.engine(), clock);
        PreviewService previews = new PreviewService(core.access(), core.orgModels(), directory.roles(),
                directory.members(), directory.assignments(), core.engine(), core.feed(), config.previews());
        ResourceService resources = new ResourceService(core.access(), core.orgModels(), directory.assignments());
        GrantService grants = new GrantService(core.access(), core.orgModels(), directory.members());
        BulkServices bulk = new BulkServices(core.access(), core.orgModels(), directory.orgs(), directory.roles(), directory.members(),
                directory.groups(), directory.assignments(), resources, grants);
        ImportService imports = new ImportService(bulk, ImportOptions.DEFAULT_MAX_LINES);
        ExportService exports = new ExportService(bulk);

        replicationHub = new ReplicationHub();
        core.feed().addListener(replicationHub);
        core.load();
        try {
            generatedServiceKey = core.keys().bootstrapServiceKey();
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage(), e);
        }
        startBackgroundJobs(storage, webhooks, assignmentRules, metrics);
        try {
            // once this node's row, with its key's fingerprint, is in the registry
            // (KeyService.requireSameKeyAsLiveNodes)
            core.keys().requireSameKeyAsLiveNodes(nodes.nodeId());
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage(), e);
        }
        // once the node registry holds this node, so that a node starting without the key meanwhile cannot generate
        // one after this (KeyService.retireStoredServiceKeys)
        List<String> retired = core.keys().retireStoredServiceKeys();
        if (!retired.isEmpty()) {
            LOG.info("the configured service key retired the stored service key(s) {}", retired);
        }

        if (config.newDeploymentId()) {
            renewDeployment(storage);
        }

        Auth auth = new Auth(core.keys(), oidc);
        ChangeFeed feed = core.feed();
        ReplicationService replication = new ReplicationService(storage.database().jdbi(), feed, replicationHub,
                core.models()::catalog, core.keys()::stillReads);
        ReplicaKeyService replicaKeys = new ReplicaKeyService(core.access(), core.store(), core.keys());
        List<Dialect> dialects = List.of(
                ReadinessGate.over(new NativeApi(new NativeApi.Services(auth, core.modelService(), directory.orgs(),
                        directory.roles(), directory.members(), directory.memberKeys(), directory.groups(),
                        directory.assignments(), decisions, events, webhooks, previews, imports, exports, offices,
                        resources, grants, replication, replicaKeys)), feed),
                ReadinessGate.over(new CloseApi(new CloseApi.Services(auth, core.models(), directory.orgs(),
                        directory.roles(), directory.members(), closeMemberships, directory.groups(), events, webhooks),
                        config.closeRateLimit(), clock, metrics), feed),
                ReadinessGate.over(roomsApi(auth, roomsRules, grants), feed),
                new ConsoleDialect(oidc),
                new OpsDialect(storage::serving, storage.health()::reachable, feed, metrics, () -> ready, auth,
                        nodes.nodeId()));
        http = startHttp(dialects, metrics, configuredKeys);
        // before HTTP: a stopping node ends its imports where they stand and answers them while it still can
        stopFirst(imports);
        stopFirst(replicationHub);
        ready = true;
    }

    /**
     * The change tailer (other nodes' writes), this node's entry in the node registry, webhook delivery,
     * change-log retention and the end of time-bound assignments, each stopped before what it uses.
     */
    private void startBackgroundJobs(Storage storage, WebhookService webhooks, AssignmentRules assignmentRules,
                                     MeterRegistry metrics) {
        ChangeFeed feed = core.feed();
        stopFirst(new ChangeTailer(feed, storage::listeningConnection, config.changeLog().pollMillis()).start());
        nodes = stopFirst(new NodeRegistry(storage.database().jdbi(), feed, core.keys().serviceKeyFingerprint())
                .start());
        WebhookSettings settings = config.webhooks();
        WebhookDispatcher dispatcher = new WebhookDispatcher(storage.database().jdbi(), config.database().poolSize(),
                webhooks, settings, nodes.nodeId(), clock, metrics);
        feed.addListener(dispatcher);
        stopFirst(dispatcher.start());
        retention = stopFirst(new Retention(storage.database().jdbi(), nodes, config.changeLog().retentionDays(),
                settings.retentionHold(), List.of(new WebhookRetention(nodes.nodeId(), clock)), clock).start());
        expiry = stopFirst(new AssignmentExpiry(core.store(), core.orgModels(), assignmentRules, clock).start());
    }

    /**
     * {@code --new-deployment-id}: the deployment's new id, once this node is in the registry (so that a node starting
     * meanwhile is seen, or reads the new id: {@link ReplicationService#renewDeployment}) and before anything reads
     * it; refused while other nodes run on the database.
     */
    private void renewDeployment(Storage storage) {
        try {
            ReplicationService.Renewal renewal = ReplicationService.renewDeployment(storage.database().jdbi(),
                    nodes.nodeId());
            LOG.info("the deployment's id is now {} (it was {}): followers of the history before load a fresh "
                    + "snapshot when they reconnect", renewal.current(), renewal.previous());
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * The Rooms dialect over Rooms' own domain (rooms, room users, its views of roles), built for it here, and the
     * offices and regions of a {@code rooms} organization, which the native API manages too.
     */
    private RoomsApi roomsApi(Auth auth, RoomsRules rules, GrantService grants) {
        RoomService rooms = new RoomService(core.access(), directory.members(), directory.assignments(),
                core.orgModels(), rules, offices);
        RoomsUserService users = new RoomsUserService(core.access(), directory.members(), core.orgModels(), rules,
                offices, directory.assignments(), grants);
        RoomsRoleService roles = new RoomsRoleService(core.access(), directory.roles(), rules, core.orgModels());
        return new RoomsApi(new RoomsApi.Services(auth, core.models(), directory.orgs(), directory.roles(), roles,
                users, rooms, offices));
    }

    /**
     * The node's meters, served at {@code /metrics}: JVM and pool here; each feature registers its own as it is
     * wired (the change feed, decisions, webhooks, the Close rate limit, HTTP routes).
     */
    private static PrometheusMeterRegistry metrics(Database database) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        database.pool().setMetricRegistry(metrics);
        return metrics;
    }

    /**
     * HTTP (and HTTPS when configured) for every dialect; HTTPS serves {@code configuredKeys} (the operator's keystore,
     * read at start), or when null the self-signed keystore under the data directory.
     */
    private HttpServer startHttp(List<Dialect> dialects, PrometheusMeterRegistry metrics, TlsKeys configuredKeys) {
        TlsSettings tlsSettings = config.tls();
        HttpServer.Tls tls = tlsSettings.port() == null ? null : new HttpServer.Tls(tlsSettings.port(),
                configuredKeys != null ? configuredKeys
                        : TlsKeys.selfSigned(config.dataDir(), config.host(), clock));
        HttpServer server = new HttpServer(dialects, metrics, config.host(), null, tls, config.http());
        try {
            StartFailureLine.keptOut(() -> server.start(config.port()));
        } catch (JavalinBindException e) {
            // a port taken since the probe: said as the probe says it
            throw PortProbe.refusal(bindAddress(e), e);
        }
        stopFirst(server::stop);
        return server;
    }

    /**
     * The operator's keystore; one that cannot be opened (a wrong password, not a keystore) or whose key cannot be
     * read with its password stops the start.
     */
    private static TlsKeys configuredKeys(TlsSettings settings, Instant now) {
        try {
            return TlsKeys.configured(settings.keystore(), settings.keystorePassword(), now);
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * The address a failed bind named ("Failed to bind to /127.0.0.1:8080", Jetty's words; Javalin's own message
     * names only a port, and calls every failure "already in use"), else the configured host and port.
     */
    private String bindAddress(JavalinBindException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.startsWith("Failed to bind to ")) {
                // an InetSocketAddress: "name/address:port", either side possibly empty ("/127.0.0.1:8080",
                // "localhost/127.0.0.1:8080", "nosuch.invalid/<unresolved>:8080")
                String address = message.substring("Failed to bind to ".length());
                int slash = address.indexOf('/');
                int colon = address.lastIndexOf(':');
                if (slash < 0 || colon < slash) {
                    return address;
                }
                String name = address.substring(0, slash);
                return (name.isEmpty() ? address.substring(slash + 1, colon) : name) + address.substring(colon);
            }
        }
        return config.host() + ":" + config.port();
    }

    /** Registers what must stop before everything started so far (it uses them). */
    private <T extends AutoCloseable> T stopFirst(T resource) {
        resources.add(0, resource);
        return resource;
    }

    /** Registers what must stop after everything started so far. */
    private <T extends AutoCloseable> T stopLast(T resource) {
        resources.add(resource);
        return resource;
    }

    public int port() {
        return http.port();
    }

    /** The HTTPS port, or 0 when TLS is off. */
    public int tlsPort() {
        return http.tlsPort();
    }

    /** The management port ({@code /metrics} without a key), or 0 when there is none. */
    public int managementPort() {
        return http.managementPort();
    }

    public HttpServer http() {
        return http;
    }

    /** The store, change feed, models, engine, access and keys, for tests and tools that work in process. */
    public Core core() {
        return core;
    }

    /** Organizations, roles, members, groups and assignments, for tests that work in process. */
    public Directory directory() {
        return directory;
    }

    /** The decision service the native API asks, for tests that work in process. */
    public DecisionService decisions() {
        return decisions;
    }

    /** Close's membership settings and pinned views, for tests that work in process. */
    public CloseMembershipService closeMemberships() {
        return closeMemberships;
    }

    /** The offices and regions of {@code rooms} organizations, for tests that work in process. */
    public OfficeService offices() {
        return offices;
    }

    /** The job that ends time-bound assignments ({@link AssignmentExpiry#runOnce} ends those due now). */
    public AssignmentExpiry expiry() {
        return expiry;
    }

    /** This node's decision engine (read side). */
    public DecisionEngine engine() {
        return core.engine();
    }

    /** This node's entry in the node registry (its id names it in webhook leases and deliveries). */
    public NodeRegistry nodes() {
        return nodes;
    }

    /** The change-log retention job ({@link Retention#runOnce} prunes now). */
    public Retention retention() {
        return retention;
    }

    /** The service key generated at this start (first start only), or null. */
    public String generatedServiceKey() {
        return generatedServiceKey;
    }

    @Override
    public void close() {
        ready = false;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", resource, e.getMessage());
            }
        }
        resources.clear();
    }
}
