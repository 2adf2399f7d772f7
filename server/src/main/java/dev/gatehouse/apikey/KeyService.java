package dev.gatehouse.apikey;

import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ChangeListener;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.NodeRegistry;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * Issues, lists, revokes and authenticates API keys; who may manage a member's keys is decided by the member
 * package ({@code MemberKeyService}). Authentication is on every request, so verified keys are cached by
 * public id; the cache is invalidated from the change log (key revoked, member deactivated, reactivated or
 * removed, organization removed), which keeps every node in step. A key is itself only with its kind's prefix
 * ({@code ghm_} for a member key, {@link Secrets}), verified now or earlier. A key of a deactivated member does not
 * authenticate (and deactivation revokes it, {@link #revokeAll}). A key configured at startup
 * ({@code GATEHOUSE_SERVICE_KEY}) is held in memory only, never stored but as a slow salted fingerprint in the node
 * registry ({@link KeyFingerprint}), and is the service key whatever its form — one
 * in the form of a generated service key too, which the database need not hold; not one in the form of a member or
 * replica key, which a request would present as such a key ({@link #hasMemberOrReplicaForm}, refused at start) — and,
 * while it is configured, the only one: a service key the database stores (generated on its first start,
 * {@link #bootstrapServiceKey}) is not accepted then, unless it is the configured one, pinned. Configuring another key
 * is how a generated one is retired, for good: the start with the configured key revokes it in the database
 * ({@link #retireStoredServiceKeys}), so that no node accepts it again, one started without a key included.
 *
 * <p>Every node on a database has the same configured key, except while the deployment rotates from one key to another
 * (docs/deployment.md): each node restarted with the new key and the old one as its previous key
 * ({@code GATEHOUSE_PREVIOUS_SERVICE_KEY}), which it accepts beside its key, as the key, then each without the
 * previous one. A start whose keys do not fit the live nodes' so is refused ({@link #requireSameKeyAsLiveNodes}).
 * Thread-safe.
 */
public final class KeyService implements ChangeListener {

    /** A key issued just now: the only time its secret is shown. */
    public record Issued(ApiKey key, String token) {
    }

    /** The kind of a replica key, as {@code api_keys.kind} stores it. */
    public static final String REPLICA = "replica";

    /**
     * A verified key: a principal for the APIs, or (a replica key) a reader of the replication streams only; with the
     * letter of its kind ({@link Secrets#letter}), which a key presented must carry to be it, read from the cache too.
     */
    private record Cached(byte[] hash, char kind, Principal principal, ReplicaReader replica, boolean memberActive) {
    }

    private static final Cached CONFIGURED = new Cached(null, 's', new Principal.Service("configured"), null, true);
    /**
     * The transaction-scoped advisory lock under which a start generates the service key or retires stored ones:
     * concurrent starts on one database take turns.
     */
    private static final long SERVICE_KEY_LOCK = 7;
    /** How a refused start's message ends ({@link #requireSameKeyAsLiveNodes}). */
    private static final String COUNTS_AS_LIVE = "a node stopped without shutting down counts as live until "
            + NodeRegistry.LIVE_SECONDS + " s after it was last seen";

    private final Store store;
    private final KeyStore keys = new KeyStore();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    /** Counts invalidations, so that an entry read from the database before one is not cached after it. */
    private final AtomicLong evictions = new AtomicLong();
    private final byte[] configuredServiceKeyHash;
    /** The configured key itself, which {@link #requireSameKeyAsLiveNodes} hashes with other nodes' salts; or null. */
    private final String configuredServiceKey;
    /** The previous key accepted beside it while the deployment rotates (class comment): it, its hash; or null. */
    private final String previousServiceKey;
    private final byte[] previousServiceKeyHash;
    /** The fingerprints of the configured key and of the previous one, which this node's registry row carries. */
    private final NodeRegistry.KeyFingerprints fingerprints;
    /**
     * The key id and the secret's hash of the configured key when it has the form of a generated service key — it may
     * be the one the database stores, pinned ({@link #isPinned}) — else null.
     */
    private final String configuredKeyId;
    private final byte[] configuredSecretHash;
    /** As {@link #configuredKeyId} and {@link #configuredSecretHash}, for the previous key. */
    private final String previousKeyId;
    private final byte[] previousSecretHash;

    /**
     * @param configuredServiceKey a service key from configuration ({@code Config}, which strips the whitespace around
     *                             it and refuses what no header can carry, or what has the form of a member or replica
     *                             key), or null
     * @param previousServiceKey   the key the deployment rotates from, accepted beside it (checked as it is, and
     *                             given only with it, never equal to it), or null
     */
    public KeyService(Store store, String configuredServiceKey, String previousServiceKey) {
        if (previousServiceKey != null && (configuredServiceKey == null
                || previousServiceKey.equals(configuredServiceKey))) {
            throw new IllegalArgumentException("a previous service key is accepted beside another configured key only");
        }
        this.store = store;
        this.configuredServiceKey = configuredServiceKey;
        this.configuredServiceKeyHash = configuredServiceKey == null ? null : Secrets.sha256(configuredServiceKey);
        this.previousServiceKey = previousServiceKey;
        this.previousServiceKeyHash = previousServiceKey == null ? null : Secrets.sha256(previousServiceKey);
        String fingerprint = configuredServiceKey == null ? null : KeyFingerprint.of(configuredServiceKey);
        this.fingerprints = new NodeRegistry.KeyFingerprints(fingerprint, previousServiceKey == null ? null
                : KeyFingerprint.withSaltOf(fingerprint, previousServiceKey));
        Secrets.Parsed parsed = serviceForm(configuredServiceKey);
        this.configuredKeyId = parsed == null ? null : parsed.keyId();
        this.configuredSecretHash = parsed == null ? null : Secrets.sha256(parsed.secret());
        Secrets.Parsed previous = serviceForm(previousServiceKey);
        this.previousKeyId = previous == null ? null : previous.keyId();
        this.previousSecretHash = previous == null ? null : Secrets.sha256(previous.secret());
    }

    /** A configured key in the form of a generated service key, parsed; else null. */
    private static Secrets.Parsed serviceForm(String key) {
        return key == null || !Secrets.isServiceForm(key) ? null : Secrets.parse(key);
    }

    /**
     * The fingerprints of the configured key and of the previous one ({@link KeyFingerprint}, under one salt) that
     * this node's row in the node registry carries ({@code NodeRegistry}), for {@link #requireSameKeyAsLiveNodes} on
     * the nodes that start after it; null without that key (nodes without a configured key are not compared).
     */
    public NodeRegistry.KeyFingerprints serviceKeyFingerprint() {
        return fingerprints;
    }

    /**
     * Whether {@code key} has the form of a member or replica key ({@code ghm_} or {@code ghr_}, 24 hexadecimal
     * digits, {@code _}, 43 characters): a request presenting it is authenticated as such a key, by its id, never
     * compared with the configured service key — so no such key can be the service key, and {@code Config} refuses
     * one at start rather than start a node whose service key every request is refused with.
     */
    public static boolean hasMemberOrReplicaForm(String key) {
        return Secrets.parse(key) != null && !Secrets.isServiceForm(key);
    }

    /**
     * The caller behind a presented key; 401 {@code invalid_key} for anything unknown or malformed, or presented with
     * another kind's prefix ({@code ghs_} for a member key: not the key), {@code key_revoked} for a revoked key (its
     * secret and prefix matching), 403 for a replica key,
     * which reads the snapshot and the change stream only ({@link #authenticateReader}).
     */
    public Principal authenticate(String token) {
        return principal(verify(token, true));
    }

    /**
     * As {@link #authenticate}, without waiting for the database: null when the key is not verified in memory yet
     * (its first use since it was issued, or since this node started), which {@link #authenticate} reads.
     */
    public Principal authenticateFromMemory(String token) {
        Cached cached = verify(token, false);
        return cached == null ? null : principal(cached);
    }

    /** Whether {@code token} is the configured key, or the previous one accepted beside it. */
    private boolean isConfigured(String token) {
        if (configuredServiceKeyHash == null) {
            return false;
        }
        byte[] hash = Secrets.sha256(token);
        return MessageDigest.isEqual(configuredServiceKeyHash, hash)
                || previousServiceKeyHash != null && MessageDigest.isEqual(previousServiceKeyHash, hash);
    }

    private static Principal principal(Cached cached) {
        if (cached.principal() == null) {
            throw new ForbiddenException("replica_key_read_only", "a replica key can only read GET /v1/snapshot and "
                    + "GET /v1/changes");
        }
        if (!cached.memberActive() && cached.principal() instanceof Principal.Member m) {
            throw new UnauthenticatedException("key_member_inactive",
                    "the key's member " + m.memberId() + " is not active (deactivated, or invited and not yet "
                            + "accepted)");
        }
        return cached.principal();
    }

    /**
     * Who may read the snapshot and the change stream with a presented key: a service key (every organization) or
     * a replica key (its scope); 401 as {@link #authenticate}, 403 {@code replica_key_required} for a member key.
     */
    public ReplicaReader authenticateReader(String token) {
        Cached cached = verify(token, true);
        if (cached.replica() != null) {
            return cached.replica();
        }
        if (cached.principal() instanceof Principal.Service service) {
            return new ReplicaReader(service.keyId(), null);
        }
        throw new ForbiddenException("replica_key_required", "the snapshot and the change stream are read with a "
                + "service key or a replica key; a member key cannot read them");
    }

    /**
     * Whether the key a reader was authenticated with still reads: not revoked, nor deleted with its organization.
     * A replication stream stays open after its request was authenticated, so it asks this before each page it
     * serves ({@code replication/ChangeStream}). A key still verified in memory answers from memory (revocations and
     * deletions evict it, on every node, before the stream can see the change that made them); otherwise from the
     * database.
     */
    public boolean stillReads(ReplicaReader reader) {
        if (reader.keyId().equals(CONFIGURED.principal().keyId())) {
            return configuredServiceKeyHash != null;
        }
        Cached cached = cache.get(reader.keyId());
        if (cached == null) {
            long seen = evictions.get();
            cached = store.read(h -> keys.findForAuth(h, reader.keyId()))
                    .filter(s -> !s.key().revoked() && !superseded(s)).map(KeyService::cached).orElse(null);
            if (cached == null) {
                return false;
            }
            // kept as verify keeps it, so that a stream asks the database once, not on every page
            cache.put(reader.keyId(), cached);
            if (evictions.get() != seen) {
                cache.remove(reader.keyId(), cached);
            }
        }
        return cached.replica() != null || cached.principal() instanceof Principal.Service;
    }

    /** The verified key, or (without {@code mayRead}) null when that needs the database. */
    private Cached verify(String token, boolean mayRead) {
        if (token == null || token.isEmpty()) {
            throw new UnauthenticatedException("unauthenticated", "an API key is required");
        }
        if (token.length() > 512) {
            throw new UnauthenticatedException("invalid_key", "the API key is not valid: no key is longer than 512 "
                    + "characters (an access token is a JWT: three base64url parts, without padding)");
        }
        Secrets.Parsed parsed = Secrets.parse(token);
        // A configured key may have the form of a generated service key (the one a first start printed, pinned for
        // the next ones), which the database need not hold: such a token is compared with it first.
        if ((parsed == null || Secrets.isServiceForm(token)) && isConfigured(token)) {
            return CONFIGURED;
        }
        if (parsed == null) {
            throw UnauthenticatedException.invalidKey();
        }
        Cached cached = cache.get(parsed.keyId());
        if (cached == null && !mayRead) {
            return null;
        }
        if (cached == null) {
            long seen = evictions.get();
            KeyStore.Stored stored = store.read(h -> keys.findForAuth(h, parsed.keyId())).orElse(null);
            if (stored == null || !Secrets.matches(stored.hash(), parsed.secret()) || !parsed.isOf(stored.key().kind())
                    || superseded(stored)) {
                throw UnauthenticatedException.invalidKey();
            }
            if (stored.key().revoked()) {
                throw UnauthenticatedException.keyRevoked("the API key was revoked");
            }
            cached = cached(stored);
            cache.put(parsed.keyId(), cached);
            if (evictions.get() != seen) {
                // A revocation or deactivation was applied while this entry was read: it may predate it.
                cache.remove(parsed.keyId(), cached);
            }
            // its secret and kind matched above
            return cached;
        }
        // a key verified under its own prefix is still not verified under another's
        if (!Secrets.matches(cached.hash(), parsed.secret()) || parsed.kind() != cached.kind()) {
            throw UnauthenticatedException.invalidKey();
        }
        return cached;
    }

    /**
     * A stored service key while one is configured, which is then the only one (class comment). The start retired it
     * ({@link #retireStoredServiceKeys}), unless it is the configured one, pinned, which {@link #verify} matches
     * before asking the database; this holds meanwhile, and for a key a node without one generated since.
     */
    private boolean superseded(KeyStore.Stored stored) {
        return configuredServiceKeyHash != null && "service".equals(stored.key().kind());
    }

    private static Cached cached(KeyStore.Stored stored) {
        ApiKey key = stored.key();
        char kind = Secrets.letter(key.kind());
        return switch (key.kind()) {
            case "service" -> new Cached(stored.hash(), kind, new Principal.Service(key.keyId()), null, true);
            case REPLICA -> new Cached(stored.hash(), kind, null, new ReplicaReader(key.keyId(), key.orgId()), true);
            default -> new Cached(stored.hash(), kind, new Principal.Member(key.keyId(), key.orgId(), key.memberId()),
                    null, stored.memberActive());
        };
    }

    /**
     * Generates the service key on the first start of a database, when none is configured; null when one is, or the
     * database stores one already (not revoked). The first start is that of a database that holds nothing yet
     * ({@link KeyStore#holdsNothing}). A database that holds data but no generated key — none, or only one a configured
     * key retired ({@link #retireStoredServiceKeys}) — has run with a configured key, which this start lacks (an unset variable, once): a key generated here would be a second service key,
     * printed in the log, accepted by every node started without a configured key and revoked by nothing. Nor while
     * another node is live on the database: it runs with a configured key, which this node lacks — a node whose key
     * failed to mount once generated one. {@link IllegalStateException} in both cases, saying to give this node the
     * key; nothing is generated.
     */
    public String bootstrapServiceKey() {
        if (configuredServiceKeyHash != null) {
            requireNotRetired();
            return null;
        }
        return store.write(Actor.SYSTEM, null, tx -> {
            lockServiceKeys(tx);
            if (keys.anyServiceKey(tx.handle())) {
                return null;
            }
            if (NodeRegistry.anyLive(tx.handle())) {
                throw new IllegalStateException("other nodes run on this database with a service key of their own "
                        + "configuration; give this node the same key (--service-key or GATEHOUSE_SERVICE_KEY) — "
                        + "a key generated here would be one more that every node accepts");
            }
            if (!keys.holdsNothing(tx.handle())) {
                throw new IllegalStateException("this database holds data but no generated service key: it has run "
                        + "with a configured one; give this node that key (--service-key or GATEHOUSE_SERVICE_KEY) — "
                        + "a service key is generated only on the first start of an empty database");
            }
            return issue(tx, "service", null, null, "bootstrap").token();
        }).value();
    }

    /**
     * Refuses this start, with a configured key, unless its keys fit those of every other live node
     * ({@code NodeRegistry#liveFingerprints}) as one rotation allows. A node accepts its key and its previous one, if it
     * has one; this start is accepted when
     * <ol>
     *   <li>with each live node, the key of one of the two is accepted by both: this node's key by the live node, as its
     *   key or its previous one, or the live node's key by this node — so that two nodes are at most one rotation
     *   apart, and not rotating from one old key to two new ones, of which neither could ever be the deployment's
     *   alone; and</li>
     *   <li>one of this node's keys is accepted by every live node: a key remains that every node accepts, which the
     *   clients hold.</li>
     * </ol>
     * So a node with a new key and the old one as previous starts beside nodes with the old key (a rotation's first
     * step), a node with the old key alone beside nodes that accept it as their previous key (one not rotated yet, or
     * restarted midway), a node with the new key alone beside nodes that accept it (the last step), and a node rolling
     * back, with the old key and the new one as previous, beside nodes that accept either; a node whose key is
     * neither the live nodes' key nor their previous one is refused unless it accepts the live nodes' key as its
     * previous one. Which of the keys the clients hold the registry does not say: a start relies on the rotation's
     * order (docs/deployment.md), the clients switched to the new key only once every node accepts it, and a node
     * without the old key started only once they have. Nodes of builds that record no previous key are taken to
     * accept their key alone.
     *
     * <p>Refused, this node would serve every organization under a key some other nodes refuse, or refuse the clients'
     * key: behind a load balancer, service-key requests would fail on some nodes and succeed on others.
     * {@link IllegalStateException} naming the live nodes at fault and what to give this one; this node is then not
     * started. A node without a configured key is unchanged ({@link #bootstrapServiceKey}), and nodes without one are
     * not compared; nor is a node alone on its database. A node stopped without removing its row (killed) counts until
     * it has not been seen for {@code NodeRegistry.LIVE_SECONDS}. Each live node costs at most one slow hash of each
     * of this node's keys ({@link KeyFingerprint.Matcher}), nodes being salted apart.
     *
     * <p>Called once this node's row, with its fingerprints, is in the registry ({@code nodeId}): of two nodes started
     * at once with keys that do not fit, the second to look finds the first, whichever it is, so not both start.
     */
    public void requireSameKeyAsLiveNodes(String nodeId) {
        if (configuredServiceKey == null) {
            return;
        }
        List<NodeRegistry.LiveFingerprint> live = store.read(h -> NodeRegistry.liveFingerprints(h, nodeId));
        KeyFingerprint.Matcher key = new KeyFingerprint.Matcher(configuredServiceKey);
        KeyFingerprint.Matcher previous = previousServiceKey == null ? null
                : new KeyFingerprint.Matcher(previousServiceKey);
        boolean keyAcceptedByAll = true;
        boolean previousAcceptedByAll = previous != null;
        List<String> apart = new ArrayList<>();
        for (NodeRegistry.LiveFingerprint node : live) {
            // each matcher hashes its key once per node: the node's two fingerprints share a salt
            boolean acceptsOurKey = key.matches(node.fingerprint()) || key.matches(node.previousFingerprint());
            boolean itsKeyIsOurPrevious = previous != null && previous.matches(node.fingerprint());
            boolean acceptsOurPrevious = itsKeyIsOurPrevious
                    || previous != null && previous.matches(node.previousFingerprint());
            // its key is ours or our previous one, or ours is its key or its previous one (rule 1)
            if (!acceptsOurKey && !itsKeyIsOurPrevious) {
                apart.add(described(node));
            }
            keyAcceptedByAll &= acceptsOurKey;
            previousAcceptedByAll &= acceptsOurPrevious;
        }
        if (!apart.isEmpty()) {
            throw new IllegalStateException("live node(s) " + String.join(", ", apart) + " run on this database "
                    + "with another service key than this node's" + (previousServiceKey == null ? "" : " or its "
                    + "previous one") + "; give this node the same key (--service-key or GATEHOUSE_SERVICE_KEY), or, "
                    + "to rotate the key, that key as its previous one (--previous-service-key or "
                    + "GATEHOUSE_PREVIOUS_SERVICE_KEY) beside the new one — " + COUNTS_AS_LIVE);
        }
        if (!keyAcceptedByAll && !previousAcceptedByAll) {
            throw new IllegalStateException("live node(s) " + String.join(", ", live.stream()
                    .map(KeyService::described).toList()) + " run on this database with service keys that each "
                    + "share one with this node, but no service key of this node's is accepted by all of them; give "
                    + "this node a key that every live node accepts (--service-key or GATEHOUSE_SERVICE_KEY, or "
                    + "--previous-service-key or GATEHOUSE_PREVIOUS_SERVICE_KEY beside a new one) — "
                    + COUNTS_AS_LIVE);
        }
    }

    private static String described(NodeRegistry.LiveFingerprint node) {
        return node.nodeId() + " (seen " + Math.round(node.secondsSinceSeen()) + " s ago)";
    }

    /**
     * Retires, when a key is configured, every service key the database stores but the configured one itself (a
     * generated key pinned): each is revoked, recorded as a key's revocation is ({@link #revoke}), so that every node
     * forgets it — one running without a configured key too, which then refuses it ({@code key_revoked}) — and a later
     * start without a key finds none to use and stops, as on any database that holds data
     * ({@link #bootstrapServiceKey}). The previous key, a generated one pinned, is not retired by a start that accepts
     * it: its nodes still run with it as their key; the first start without it retires it. Nothing to retire records
     * nothing. Returns the retired keys' ids.
     *
     * <p>Called once this node is registered as live ({@code NodeRegistry}), under the lock a start generating a key
     * takes: a node started without a key at the same time either generated its key first, which this then retires,
     * or finds this node live and generates none. Concurrent starts with the configured key retire each key once.
     */
    public List<String> retireStoredServiceKeys() {
        if (configuredServiceKeyHash == null) {
            return List.of();
        }
        return store.write(Actor.SYSTEM, null, tx -> {
            lockServiceKeys(tx);
            List<String> retired = new ArrayList<>();
            for (KeyStore.Stored stored : keys.liveServiceKeys(tx.handle())) {
                if (isPinned(stored)) {
                    continue;
                }
                keys.revokeServiceKey(tx.handle(), stored.key().keyId(), tx.now()).ifPresent(revoked -> {
                    tx.change(null, ObjectType.API_KEY, revoked.keyId(), Action.DELETED, LoggedKey.of(stored.key()),
                            null);
                    retired.add(revoked.keyId());
                });
            }
            return List.copyOf(retired);
        }).value();
    }

    /**
     * A configured key that is a generated service key this database retired ({@link #retireStoredServiceKeys}) is
     * not the service key again: retired is for good, and a copy of it kept by anyone since would work once more.
     * {@link IllegalStateException} saying so; the node does not start.
     */
    private void requireNotRetired() {
        requireNotRetired(configuredKeyId, configuredSecretHash, "configured service key",
                "configure that key or a new one (--service-key or GATEHOUSE_SERVICE_KEY)");
        requireNotRetired(previousKeyId, previousSecretHash, "previous service key",
                "start this node without it (--previous-service-key or GATEHOUSE_PREVIOUS_SERVICE_KEY)");
    }

    private void requireNotRetired(String keyId, byte[] secretHash, String which, String remedy) {
        if (keyId == null) {
            return;
        }
        store.read(h -> keys.findForAuth(h, keyId)).filter(stored -> isPinned(stored, keyId, secretHash))
                .filter(stored -> stored.key().revoked()).ifPresent(stored -> {
                    throw new IllegalStateException("the " + which + " is the generated key " + keyId + ", which "
                            + "another configured key retired for good; " + remedy);
                });
    }

    /** Whether a stored key is the configured one or the previous one: a generated service key, pinned. */
    private boolean isPinned(KeyStore.Stored stored) {
        return isPinned(stored, configuredKeyId, configuredSecretHash)
                || isPinned(stored, previousKeyId, previousSecretHash);
    }

    private static boolean isPinned(KeyStore.Stored stored, String keyId, byte[] secretHash) {
        return keyId != null && keyId.equals(stored.key().keyId()) && MessageDigest.isEqual(secretHash, stored.hash());
    }

    private static void lockServiceKeys(Tx tx) {
        tx.handle().createQuery("SELECT CAST(pg_advisory_xact_lock(:lock) AS text)").bind("lock", SERVICE_KEY_LOCK)
                .mapTo(String.class).one();
    }

    /**
     * A member's keys (revoked ones too) in creation order, after the key {@code afterKeyId} when given: one of the
     * member's keys (a key is never deleted while its member exists), else 400 {@code invalid_cursor}.
     */
    public List<ApiKey> list(Handle h, long memberId, String afterKeyId, int limit) {
        requirePosition(afterKeyId, id -> keys.find(h, id, memberId));
        return keys.listForMember(h, memberId, afterKeyId, limit);
    }

    /**
     * A cursor's key must be one of its list's: the lists start after it by its place, and one naming no key of
     * theirs would start them over from the first page, a loop for a client following cursors.
     */
    private static void requirePosition(String afterKeyId, Function<String, Optional<ApiKey>> find) {
        if (afterKeyId != null && (!Secrets.isKeyId(afterKeyId) || find.apply(afterKeyId).isEmpty())) {
            throw new InvalidInputException("invalid_cursor", "cursor names no key of this list",
                    Map.of("cursor", "invalid"));
        }
    }

    /**
     * Revokes a member's key inside a running transaction of its organization, recorded as its deletion (the key as
     * it was in {@code before}, no {@code after}, as every deletion); revoking it again changes nothing and records
     * nothing. 404 when the member has no such key.
     */
    public ApiKey revoke(Tx tx, long orgId, long memberId, String keyId) {
        ApiKey current = (Secrets.isKeyId(keyId) ? keys.find(tx.handle(), keyId, memberId) : Optional.<ApiKey>empty())
                .orElseThrow(() -> new NotFoundException("key_not_found", "member " + memberId + " has no key "
                        + shown(keyId)));
        if (current.revoked()) {
            return current;
        }
        ApiKey revoked = keys.revoke(tx.handle(), keyId, memberId, tx.now()).orElseThrow();
        tx.change(orgId, ObjectType.API_KEY, keyId, Action.DELETED, LoggedKey.of(current), null);
        return revoked;
    }

    /**
     * Revokes every key of a member that is not revoked yet, inside a running transaction (the member is being
     * deactivated); each revocation is a change record like a single one. Returns how many.
     */
    public int revokeAll(Tx tx, long orgId, long memberId) {
        List<ApiKey> revoked = keys.revokeAll(tx.handle(), memberId, tx.now());
        revoked.forEach(key -> tx.change(orgId, ObjectType.API_KEY, key.keyId(), Action.DELETED,
                LoggedKey.of(key.beforeRevocation()), null));
        return revoked.size();
    }

    /**
     * A key id as an error may show it: one that is not an id is not echoed, for it may be a whole key pasted where
     * its id belongs, secret included.
     */
    private static String shown(String keyId) {
        return Secrets.isKeyId(keyId) ? keyId : "with that id (a key id is 24 hexadecimal digits, the part of a key "
                + "between its first and second underscore)";
    }

    /** Issues a key inside a running transaction. */
    public Issued issue(Tx tx, String kind, Long orgId, Long memberId, String name) {
        if (memberId != null) {
            tx.limits().beforeAddingKey(memberId);
        }
        Secrets.Generated generated = Secrets.generate(kind);
        ApiKey key = keys.insert(tx.handle(), generated.keyId(), generated.hash(), kind, orgId, memberId, name,
                tx.now());
        tx.change(orgId, ObjectType.API_KEY, key.keyId(), Action.CREATED, null, LoggedKey.of(key));
        return new Issued(key, generated.token());
    }

    /** Replica keys (revoked ones too) in creation order, after the key {@code afterKeyId} when given. */
    public List<ApiKey> listReplicaKeys(Handle h, String afterKeyId, int limit) {
        requirePosition(afterKeyId, id -> keys.findReplicaKey(h, id));
        return keys.listReplicaKeys(h, afterKeyId, limit);
    }

    /**
     * Revokes a replica key inside a running transaction, recorded as a member key's revocation is
     * ({@link #revoke}); revoking it again changes nothing and records nothing. 404 when there is no such replica key.
     */
    public ApiKey revokeReplicaKey(Tx tx, String keyId) {
        ApiKey current = (Secrets.isKeyId(keyId) ? keys.findReplicaKey(tx.handle(), keyId) : Optional.<ApiKey>empty())
                .orElseThrow(() -> new NotFoundException("key_not_found", "there is no replica key " + shown(keyId)));
        if (current.revoked()) {
            return current;
        }
        ApiKey revoked = keys.revokeReplicaKey(tx.handle(), keyId, tx.now()).orElseThrow();
        tx.change(revoked.orgId(), ObjectType.API_KEY, keyId, Action.DELETED, LoggedKey.of(current), null);
        return revoked;
    }

    /** Forgets every verified key (after this node reloaded its state and may have missed revocations). */
    public void forgetAll() {
        cache.clear();
    }

    @Override
    public void onChange(ChangeRecord record) {
        ObjectType type = record.objectType();
        if (type == ObjectType.API_KEY) {
            evictions.incrementAndGet();
            cache.remove(record.objectId());
        } else if (type == ObjectType.MEMBER) {
            if (record.after() == null || record.changedFields().contains("status")) {
                evictions.incrementAndGet();
                long memberId = Long.parseLong(record.objectId());
                cache.values().removeIf(c -> c.principal() instanceof Principal.Member m && m.memberId() == memberId);
            }
        } else if (type == ObjectType.ORGANIZATION) {
            if (record.after() == null && record.orgId() != null) {
                evictions.incrementAndGet();
                long orgId = record.orgId();
                cache.values().removeIf(c -> c.principal() instanceof Principal.Member m && m.orgId() == orgId
                        || c.replica() != null && c.replica().orgId() != null && c.replica().orgId() == orgId);
            }
        }
    }
}
