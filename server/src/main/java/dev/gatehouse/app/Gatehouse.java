package dev.gatehouse.app;

import dev.gatehouse.access.Access;
import dev.gatehouse.apikey.KeyService;
import dev.gatehouse.assignment.AssignmentExpiry;
import dev.gatehouse.assignment.AssignmentRules;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeTailer;
import dev.gatehouse.changelog.NodeRegistry;
import dev.gatehouse.changelog.Retention;
import dev.gatehouse.closemembership.CloseMembershipService;
import dev.gatehouse.decision.DecisionService;
import dev.gatehouse.event.EventService;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.enginefeed.EngineFeed;
import dev.gatehouse.group.GroupService;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.HttpServer;
import dev.gatehouse.http.ReadinessGate;
import dev.gatehouse.http.close.CloseApi;
import dev.gatehouse.http.console.ConsoleDialect;
import dev.gatehouse.http.ops.OpsDialect;
import dev.gatehouse.http.rooms.RoomsApi;
import dev.gatehouse.http.tls.TlsKeys;
import dev.gatehouse.http.tls.TlsSettings;
import dev.gatehouse.http.v1.NativeApi;
import dev.gatehouse.member.MemberKeyService;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.model.ModelService;
import dev.gatehouse.org.OrgModels;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.room.RoomService;
import dev.gatehouse.room.RoomsPermissions;
import dev.gatehouse.room.RoomsRoleService;
import dev.gatehouse.office.OfficeService;
import dev.gatehouse.room.RoomsRules;
import dev.gatehouse.room.RoomsUserService;
import dev.gatehouse.store.Database;
import dev.gatehouse.store.DatabaseSettings;
import dev.gatehouse.store.EmbeddedDatabase;
import dev.gatehouse.store.Store;
import dev.gatehouse.webhook.WebhookDispatcher;
import dev.gatehouse.webhook.WebhookRetention;
import dev.gatehouse.webhook.WebhookService;
import dev.gatehouse.webhook.WebhookSettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Gatehouse node, assembled: storage, change feed, engine, services and HTTP. {@link #start} brings it
 * up in dependency order (database, migrations, engine rebuilt from the database, then HTTP);
 * {@link #close} takes it down in reverse. Thread-safe after start.
 */
public final class Gatehouse implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gatehouse.class);

    private final Config config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private EmbeddedDatabase embedded;
    private Database database;
    private ChangeFeed feed;
    private EngineFeed engineFeed;
    private Services services;
    private HttpServer http;
    private NodeRegistry nodes;
    private Retention retention;
    private WebhookDispatcher dispatcher;
    private String generatedServiceKey;
    private volatile boolean ready;

    /** The services of a node, for dialects and tests that need them directly. */
    public record Services(Store store, ModelRegistry models, DecisionEngine engine, Access access, KeyService keys,
                           ModelService modelService, OrgService orgs, RoleService roles, MemberService members,
                           MemberKeyService memberKeys, AssignmentService assignments, OrgModels orgModels,
                           ChangeFeed feed, Auth auth, GroupService groups, EventService events,
                           WebhookService webhooks, DecisionService decisions,
                           CloseMembershipService closeMemberships, RoomService rooms, RoomsUserService roomsUsers,
                           RoomsRoleService roomsRoles, OfficeService offices) {
    }

    private Gatehouse(Config config) {
        this.config = config;
    }

    public static Gatehouse start(Config config) {
        Gatehouse node = new Gatehouse(config);
        try {
            node.startUp();
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startUp() {
        String jdbcUrl;
        String user;
        String password;
        DatabaseSettings databaseSettings = config.database();
        if (databaseSettings.embedded()) {
            embedded = EmbeddedDatabase.start(config.dataDir(), databaseSettings.durable());
            resources.add(embedded);
            jdbcUrl = embedded.jdbcUrl();
            user = EmbeddedDatabase.USER;
            password = embedded.password();
            LOG.info("embedded PostgreSQL on port {} with data under {}", embedded.port(), config.dataDir());
        } else {
            jdbcUrl = DatabaseSettings.jdbcUrl(databaseSettings.url());
            user = databaseSettings.user();
            password = databaseSettings.password();
        }
        database = new Database(jdbcUrl, user, password, databaseSettings.poolSize());
        resources.add(0, database);
        database.migrate();

        ModelRegistry models = new ModelRegistry();
        ChangeLogStore log = new ChangeLogStore();
        feed = new ChangeFeed(database.jdbi(), log);
        Store store = new Store(database.jdbi(), log, feed, config.limits());
        engineFeed = new EngineFeed(models::catalog);
        Access access = new Access(store, engineFeed.engine());
        KeyService keys = new KeyService(store, config.serviceKey());
        OrgModels orgModels = new OrgModels(models);
        RoomsRules roomsRules = new RoomsRules();
        ModelService modelService = new ModelService(store, models, access);
        MemberService members = new MemberService(access, orgModels,
                MemberRules.byModel(Map.of(RoomsPermissions.MODEL, roomsRules)), keys);
        MemberKeyService memberKeys = new MemberKeyService(access, members, keys, orgModels);
        RoleService roles = new RoleService(orgModels, access);
        OrgService orgs = new OrgService(store, orgModels, members, keys, access);
        GroupService groups = new GroupService(orgModels, members, access);
        EventService events = new EventService(orgModels, access, feed);
        WebhookSettings webhookSettings = config.webhooks();
        WebhookService webhooks = new WebhookService(store, orgModels, access, webhookSettings.targets());
        feed.addListener(models);
        feed.addListener(engineFeed);
        feed.addListener(keys);
        feed.resyncWith(() -> {
            modelService.loadStored();
            long at = engineFeed.reload(database.jdbi());
            keys.forgetAll();
            return at;
        });
        AssignmentRules assignmentRules = AssignmentRules.byModel(Map.of(RoomsPermissions.MODEL, roomsRules));
        AssignmentService assignments = new AssignmentService(access, members, orgModels, assignmentRules);
        DecisionEngine engine = engineFeed.engine();
        OfficeService offices = new OfficeService(access, orgModels);
        services = new Services(store, models, engine, access, keys, modelService, orgs, roles, members, memberKeys,
                assignments, orgModels, feed, new Auth(keys), groups, events, webhooks,
                new DecisionService(engine, feed, access, members, models),
                new CloseMembershipService(access, members, orgModels),
                new RoomService(access, members, assignments, orgModels, roomsRules, offices),
                new RoomsUserService(access, members, orgModels, roomsRules, offices),
                new RoomsRoleService(access, roles, roomsRules, orgModels), offices);

        modelService.loadStored();
        long started = System.nanoTime();
        long revision = engineFeed.load(database.jdbi());
        feed.startAt(revision);
        LOG.info("engine loaded {} organizations at revision {} in {} ms", engineFeed.engine().organizationCount(),
                revision,
                (System.nanoTime() - started) / 1_000_000);
        generatedServiceKey = keys.bootstrapServiceKey();

        ChangeTailer tailer = new ChangeTailer(feed, () -> {
            try {
                Properties props = new Properties();
                if (user != null) {
                    props.setProperty("user", user);
                }
                if (password != null) {
                    props.setProperty("password", password);
                }
                // Named, so that operators (and pg_stat_activity) can tell the listening connection apart.
                props.setProperty("ApplicationName", ChangeTailer.APPLICATION_NAME);
                Database.hideServerErrorDetail(props);
                return DriverManager.getConnection(jdbcUrl, props);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot open the listening connection: " + e.getMessage(), e);
            }
        }, config.changeLog().pollMillis()).start();
        resources.add(0, tailer);
        nodes = new NodeRegistry(database.jdbi(), feed).start();
        resources.add(0, nodes);
        dispatcher = new WebhookDispatcher(database.jdbi(), webhooks, webhookSettings, nodes.nodeId());
        feed.addListener(dispatcher);
        resources.add(0, dispatcher.start());
        retention = new Retention(database.jdbi(), nodes, config.changeLog().retentionDays(),
                webhookSettings.retentionHold(), List.of(new WebhookRetention(nodes.nodeId()))).start();
        resources.add(0, retention);
        resources.add(0, new AssignmentExpiry(store, orgModels, assignmentRules).start());

        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        Gauge.builder("gatehouse.feed.in.sync", feed, f -> f.inSync() ? 1 : 0)
                .description("1 while this node's state holds every change it has seen; 0 while it reloads").register(metrics);
        FunctionCounter.builder("gatehouse.feed.reloads", feed, ChangeFeed::reloads)
                .description("reloads of the whole state after a change could not be applied or the log had a gap")
                .register(metrics);
        database.pool().setMetricRegistry(metrics);
        List<Dialect> dialects = List.of(
                ReadinessGate.over(new NativeApi(services, List.of()), feed),
                ReadinessGate.over(new CloseApi(services, config.closeRateLimit()), feed),
                ReadinessGate.over(new RoomsApi(services), feed),
                new ConsoleDialect(),
                new OpsDialect(database::reachable, feed, metrics, () -> ready, services.auth()));
        TlsSettings tlsSettings = config.tls();
        HttpServer.Tls tls = tlsSettings.port() == null ? null : new HttpServer.Tls(tlsSettings.port(),
                tlsSettings.keystore() != null ? TlsKeys.configured(tlsSettings.keystore(), tlsSettings.keystorePassword())
                        : TlsKeys.selfSigned(config.dataDir(), config.host()));
        http = new HttpServer(dialects, metrics, config.host(), null, tls, config.http()).start(config.port());
        resources.add(0, http::stop);
        ready = true;
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

    public Services services() {
        return services;
    }

    /** This node's decision engine (read side). */
    public DecisionEngine engine() {
        return engineFeed.engine();
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
