package dev.gatehouse.app;

import dev.gatehouse.access.Access;
import dev.gatehouse.apikey.KeyService;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.custommodel.ModelService;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.enginefeed.EngineFeed;
import dev.gatehouse.limit.Limits;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.store.DatabaseHealth;
import dev.gatehouse.store.Store;
import java.time.InstantSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every feature of a node stands on: the store and the change feed its writes go through, and the feed's
 * listeners in the order they must see each change — the models (a custom model before the organizations that
 * use it), the engine's feed (which keeps the engine's one writer to itself), the API keys' cache; the management
 * access rules, each organization's model, and custom-model registration. {@link #wire} connects them;
 * {@link #load} fills them from the database once, and the feed reloads them the same way when the node falls
 * out of sync. Immutable; its parts are thread-safe.
 */
public final class Core {

    private static final Logger LOG = LoggerFactory.getLogger(Core.class);

    private final Store store;
    private final ChangeFeed feed;
    private final ModelRegistry models;
    private final OrgModels orgModels;
    private final EngineFeed engineFeed;
    private final Access access;
    private final KeyService keys;
    private final ModelService modelService;

    private Core(Store store, ChangeFeed feed, OrgModels orgModels, EngineFeed engineFeed, Access access,
                 KeyService keys, ModelService modelService) {
        this.store = store;
        this.feed = feed;
        this.models = orgModels.registry();
        this.orgModels = orgModels;
        this.engineFeed = engineFeed;
        this.access = access;
        this.keys = keys;
        this.modelService = modelService;
    }

    /**
     * Connects the core over {@code jdbi}, its writes timed by {@code clock} and sharing transactions across
     * {@code writeLanes} write lanes (0: one transaction per write), knowing from {@code health} whether the
     * database answers; nothing is read from the database yet. The store's lanes run until the store is closed.
     */
    static Core wire(Jdbi jdbi, Limits limits, String serviceKey, String previousServiceKey, InstantSource clock,
                     int writeLanes, DatabaseHealth health) {
        ModelRegistry models = new ModelRegistry();
        OrgModels orgModels = new OrgModels(models);
        ChangeLogStore log = new ChangeLogStore();
        ChangeFeed feed = new ChangeFeed(jdbi, log, clock);
        feed.databaseReachable(health::reachable);
        Store store = new Store(jdbi, log, feed, limits, clock, writeLanes, health);
        EngineFeed engineFeed = new EngineFeed(models::catalog);
        Access access = new Access(store, engineFeed.engine(), models::catalog);
        KeyService keys = new KeyService(store, serviceKey, previousServiceKey);
        ModelService modelService = new ModelService(store, orgModels, access);
        feed.addListener(models);
        feed.addListener(engineFeed);
        feed.addListener(keys);
        feed.resyncWith(() -> {
            modelService.loadStored();
            long at = engineFeed.reload(jdbi);
            keys.forgetAll();
            return at;
        });
        return new Core(store, feed, orgModels, engineFeed, access, keys, modelService);
    }

    /** Loads the custom models and the engine from the tables and starts the feed at that revision. */
    long load() {
        modelService.loadStored();
        long started = System.nanoTime();
        long revision = engineFeed.load(store.jdbi());
        feed.startAt(revision);
        LOG.info("engine loaded {} organizations at revision {} in {} ms", engine().organizationCount(), revision,
                (System.nanoTime() - started) / 1_000_000);
        return revision;
    }

    /** Transactions and reads; every write through it is appended to the change log. */
    public Store store() {
        return store;
    }

    /** The node's change feed: every committed change, local or remote, in revision order. */
    public ChangeFeed feed() {
        return feed;
    }

    public ModelRegistry models() {
        return models;
    }

    public OrgModels orgModels() {
        return orgModels;
    }

    /** The decision engine, for reading. */
    public DecisionEngine engine() {
        return engineFeed.engine();
    }

    public Access access() {
        return access;
    }

    public KeyService keys() {
        return keys;
    }

    public ModelService modelService() {
        return modelService;
    }
}
