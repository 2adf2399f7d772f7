package dev.gatehouse.apikey;

import dev.gatehouse.app.Config;
import dev.gatehouse.app.StartupException;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service key configured at startup ({@code GATEHOUSE_SERVICE_KEY}, {@code --service-key}) is the service key
 * whatever form the operator gave it: one in the form of the keys Gatehouse generates — such as the key a first
 * start printed, pinned for the next ones — works on a database that never stored it, and whitespace around it,
 * which no {@code Authorization} header can carry, is not part of it. While configured, it is the only service key,
 * and a start with it retires a generated one for good; one is generated only on the first start of an empty database.
 * Every node on a database runs with the same key: a start with another is refused, unless its keys and the live
 * nodes' fit one rotation — the live nodes' key as its previous one, or its key as theirs — and one of its keys is
 * accepted by every live node.
 */
class ConfiguredServiceKeyIT {

    /** The form {@code gh<kind>_<24 hex digits>_<43 base64url characters>} of generated keys. */
    static final String GENERATED_FORM = "ghs_0123456789abcdef01234567_" + "A".repeat(40) + "-_9";

    @Test
    void aConfiguredKeyInTheFormOfAGeneratedOne_isTheServiceKey_onADatabaseThatNeverStoredIt() {
        try (TestNode node = TestNode.start(c -> c.withServiceKey(GENERATED_FORM))) {
            Http service = node.as(GENERATED_FORM);
            Http.Res created = service.post("/v1/orgs", Map.of("name", "Pinned", "model", "close"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(service.get("/v1/orgs").status()).isEqualTo(200);

            String another = GENERATED_FORM.replace("A", "B");
            Http.Res refused = node.as(another).get("/v1/orgs");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.get("code").stringValue()).isEqualTo("invalid_key");
        }
    }

    /**
     * A node started without the key beside nodes that run with one stops with a message; it once generated a second
     * service key that every node accepted, printed in its log. Alone on the database, it generates one as on a
     * first start.
     */
    @Test
    void aNodeWithoutTheKey_besideLiveNodesThatHaveIt_doesNotStart_andGeneratesNoKey() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode configured = TestNode.startOn(database, c -> c)) {
            assertThatThrownBy(() -> TestNode.startOn(database, c -> c.withServiceKey(null)).close())
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("give this node the same key (--service-key or GATEHOUSE_SERVICE_KEY)");
            assertThat(configured.service().get("/v1/orgs").status()).isEqualTo(200);
        }
        try (TestNode alone = TestNode.startOn(database, c -> c.withServiceKey(null))) {
            String generated = alone.node().generatedServiceKey();
            assertThat(generated).as("alone on its database, a node generates the first key").isNotNull();
            assertThat(alone.as(generated).get("/v1/orgs").status()).isEqualTo(200);
        }
    }

    /**
     * A database always run with a configured key, started once without it (an unset variable): the node stops
     * with a message and generates nothing — it once generated a second service key, printed in its log, that stayed
     * valid after the configured one was back, and that nothing revokes.
     */
    @Test
    void aStartWithoutTheKey_onADatabaseThatHoldsData_isRefused_andGeneratesNoKey() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode configured = TestNode.startOn(database)) {
            Http.Res created = configured.service().post("/v1/orgs", Map.of("name", "Data", "model", "close"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }

        assertThatThrownBy(() -> TestNode.startOn(database, c -> c.withServiceKey(null)).close())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("this database holds data but no generated service key")
                .hasMessageContaining("give this node that key (--service-key or GATEHOUSE_SERVICE_KEY)");
        assertThat(serviceKeysStored(database)).as("no key generated").isZero();
        try (TestNode configured = TestNode.startOn(database)) {
            assertThat(configured.service().get("/v1/orgs").status()).isEqualTo(200);
        }
    }

    /**
     * While a key is configured it is the only service key: the key generated on the database's first start is
     * refused, on every route a service key reads — and retired for good: revoked in the database, recorded as a
     * key's revocation, so that a later start without a key finds none to fall back on and stops as on any database
     * that holds data. It once came back as the service key on such a start, refused by every node that had the key.
     */
    @Test
    void configuringAnotherKey_retiresTheGeneratedOne_forGood() {
        String database = TestDatabase.freshDatabaseUrl();
        String generated;
        try (TestNode first = TestNode.startOn(database, c -> c.withServiceKey(null))) {
            generated = first.node().generatedServiceKey();
            assertThat(generated).as("generated on the first start of an empty database").isNotNull();
            Http.Res created = first.as(generated).post("/v1/orgs", Map.of("name", "First", "model", "close"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
        String generatedId = generated.substring(4, 28);

        try (TestNode configured = TestNode.startOn(database)) {
            for (String path : List.of("/v1/orgs", "/v1/snapshot")) {
                Http.Res refused = configured.as(generated).get(path);
                assertThat(refused.status()).as(path + " " + refused).isEqualTo(401);
                assertThat(refused.get("code").stringValue()).isEqualTo("invalid_key");
            }
            assertThat(configured.node().generatedServiceKey()).isNull();
            assertThat(configured.service().get("/v1/orgs").status()).isEqualTo(200);
        }
        assertThat(liveServiceKeysStored(database)).as("the generated key is revoked").isZero();
        assertThat(revocationsRecorded(database, generatedId)).as("its revocation is in the change log").isOne();

        assertThatThrownBy(() -> TestNode.startOn(database, c -> c.withServiceKey(null)).close())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("this database holds data but no generated service key")
                .hasMessageContaining("give this node that key (--service-key or GATEHOUSE_SERVICE_KEY)");
        try (TestNode again = TestNode.startOn(database)) {
            assertThat(again.service().get("/v1/orgs").status()).isEqualTo(200);
            assertThat(again.as(generated).get("/v1/orgs").status()).isEqualTo(401);
        }
        assertThat(serviceKeysStored(database)).as("none generated since, none retired twice").isEqualTo(1);
        assertThat(revocationsRecorded(database, generatedId)).isOne();

        // nor does configuring the retired key as printed bring it back (it did: a pinned key is matched first)
        assertThatThrownBy(() -> TestNode.startOn(database, c -> c.withServiceKey(generated)).close())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("the configured service key is the generated key " + generatedId
                        + ", which another configured key retired for good");
        assertThat(liveServiceKeysStored(database)).isZero();
    }

    /**
     * The generated key configured as it was printed (pinned) is the configured key: not retired, the only service
     * key while configured, and still the database's own when a later start has no key.
     */
    @Test
    void theGeneratedKey_pinned_isNotRetired_andStaysTheServiceKeyWithoutIt() {
        String database = TestDatabase.freshDatabaseUrl();
        String generated;
        try (TestNode first = TestNode.startOn(database, c -> c.withServiceKey(null))) {
            generated = first.node().generatedServiceKey();
            assertThat(generated).isNotNull();
        }
        try (TestNode pinned = TestNode.startOn(database, c -> c.withServiceKey(generated))) {
            assertThat(pinned.as(generated).get("/v1/orgs").status()).isEqualTo(200);
            assertThat(pinned.service().get("/v1/orgs").status()).as("the other key is not configured here")
                    .isEqualTo(401);
        }
        assertThat(liveServiceKeysStored(database)).as("a pinned key is not retired").isEqualTo(1);
        try (TestNode unset = TestNode.startOn(database, c -> c.withServiceKey(null))) {
            assertThat(unset.node().generatedServiceKey()).isNull();
            assertThat(unset.as(generated).get("/v1/orgs").status()).isEqualTo(200);
        }
        assertThat(serviceKeysStored(database)).isEqualTo(1);
    }

    /**
     * A generated service key counts only as {@code ghs_}, whether the database stores it or it is configured
     * (pinned), before it was verified and after: spelled {@code ghm_} or {@code ghr_}, it is 401 {@code invalid_key}.
     * A configured key of any other form is compared whole, as given.
     */
    @Test
    void aGeneratedServiceKey_isTheServiceKeyOnlyWithItsOwnPrefix() {
        String database = TestDatabase.freshDatabaseUrl();
        String generated;
        try (TestNode stored = TestNode.startOn(database, c -> c.withServiceKey(null))) {
            generated = stored.node().generatedServiceKey();
            assertOnlyWithItsOwnPrefix(stored, generated);
        }
        try (TestNode pinned = TestNode.startOn(database, c -> c.withServiceKey(generated))) {
            assertOnlyWithItsOwnPrefix(pinned, generated);
        }
        try (TestNode configured = TestNode.start(c -> c.withServiceKey(GENERATED_FORM))) {
            assertOnlyWithItsOwnPrefix(configured, GENERATED_FORM);
        }
    }

    private static void assertOnlyWithItsOwnPrefix(TestNode node, String serviceKey) {
        for (String verified : List.of("before", "after")) {
            for (String spelling : List.of("ghm_", "ghr_")) {
                Http.Res res = node.as(spelling + serviceKey.substring(4)).get("/v1/orgs");
                assertThat(res.status()).as("%s %s: %s", spelling, verified, res).isEqualTo(401);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_key");
            }
            assertThat(node.as(serviceKey).get("/v1/orgs").status()).isEqualTo(200);
        }
    }

    /**
     * A node still running without a key (it generated the database's) refuses that key as soon as another node
     * starts with a configured one: the retirement reaches it through the change log. It once accepted the key every
     * other node refused.
     */
    @Test
    void aNodeStillWithoutTheKey_refusesTheGeneratedOne_onceANodeStartsWithAnother() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode unset = TestNode.startOn(database, c -> c.withServiceKey(null))) {
            String generated = unset.node().generatedServiceKey();
            assertThat(unset.as(generated).get("/v1/orgs").status()).isEqualTo(200);
            try (TestNode configured = TestNode.startOn(database)) {
                assertThat(configured.as(generated).get("/v1/orgs").status()).isEqualTo(401);
                Await.until(Duration.ofSeconds(10), "the node without the key refuses the retired one",
                        () -> unset.as(generated).get("/v1/orgs").status() == 401);
                Http.Res refused = unset.as(generated).get("/v1/orgs");
                assertThat(refused.get("code").stringValue()).as(refused.toString()).isEqualTo("key_revoked");
            }
        }
    }

    /**
     * Nodes starting at once on one database, one without the key and two with it: whichever comes first, no
     * generated key stays valid — the one without either generated its key before the others registered, and they
     * retire it, or it finds them live and stops.
     */
    @Test
    void nodesStartingTogether_withAndWithoutTheKey_leaveNoGeneratedKeyValid() throws Exception {
        String database = TestDatabase.freshDatabaseUrl();
        // migrated, still empty: a start without a key would generate the first one
        TestNode.startOn(database).close();
        List<UnaryOperator<Config>> configurations = List.of(c -> c.withServiceKey(null), c -> c, c -> c);
        ExecutorService starts = Executors.newFixedThreadPool(configurations.size());
        List<TestNode> started = new ArrayList<>();
        try {
            List<Future<TestNode>> futures = new ArrayList<>();
            for (UnaryOperator<Config> configuration : configurations) {
                futures.add(starts.submit(() -> TestNode.startOn(database, configuration)));
            }
            for (Future<TestNode> future : futures) {
                try {
                    started.add(future.get(2, TimeUnit.MINUTES));
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).as("only the node without the key may fail to start")
                            .isInstanceOf(StartupException.class)
                            .hasMessageContaining("give this node the same key");
                }
            }
            assertThat(liveServiceKeysStored(database)).as("no generated key left valid").isZero();
            for (TestNode node : started) {
                String generated = node.node().generatedServiceKey();
                if (generated != null) {
                    Await.until(Duration.ofSeconds(10), "the node that generated a key refuses it",
                            () -> node.as(generated).get("/v1/orgs").status() == 401);
                }
            }
        } finally {
            starts.shutdownNow();
            started.forEach(TestNode::close);
        }
    }

    /** A key other than the test nodes' own ({@link TestNode#SERVICE_KEY}). */
    private static final String NEW_KEY = "rotated-service-key-0123456789";

    /**
     * A node given another key than the nodes live on its database does not start: it once joined silently, serving
     * every organization under its own key and refusing the deployment's, while the others refused its key. The
     * live node keeps serving with its key; the refused one leaves no row in the node registry.
     */
    @Test
    void aNodeWithAnotherKey_besideALiveNode_doesNotStart() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode live = TestNode.startOn(database)) {
            assertThatThrownBy(() -> TestNode.startOn(database, c -> c.withServiceKey(NEW_KEY)).close())
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("live node(s) " + live.node().nodes().nodeId() + " (seen ")
                    .hasMessageContaining("run on this database with another service key than this node's; give "
                            + "this node the same key (--service-key or GATEHOUSE_SERVICE_KEY), or, to rotate the "
                            + "key, that key as its previous one (--previous-service-key or "
                            + "GATEHOUSE_PREVIOUS_SERVICE_KEY)")
                    .hasMessageNotContaining(TestNode.SERVICE_KEY).hasMessageNotContaining(NEW_KEY);
            assertThat(live.service().get("/v1/orgs").status()).isEqualTo(200);
            assertThat(live.as(NEW_KEY).get("/v1/orgs").status()).isEqualTo(401);
            assertThat(registeredNodes(database)).as("only the live node").isOne();
        }
        // alone on its database, a node starts with any key
        try (TestNode alone = TestNode.startOn(database, c -> c.withServiceKey(NEW_KEY))) {
            assertThat(alone.as(NEW_KEY).get("/v1/orgs").status()).isEqualTo(200);
        }
    }

    /**
     * With the live nodes' key as its previous one, a node given a new key starts, and accepts both, as the service
     * key; the live nodes still accept only theirs.
     */
    @Test
    void aNodeWithTheLiveKeyAsItsPrevious_starts_andAcceptsBoth() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode live = TestNode.startOn(database);
             TestNode rotated = TestNode.startOn(database, c -> c.withServiceKey(NEW_KEY)
                     .withPreviousServiceKey(TestNode.SERVICE_KEY))) {
            for (String key : List.of(NEW_KEY, TestNode.SERVICE_KEY)) {
                Http.Res created = rotated.as(key).post("/v1/orgs", Map.of("name", "By " + key.charAt(0),
                        "model", "close"));
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
                assertThat(rotated.as(key).get("/v1/snapshot").status()).as(key).isEqualTo(200);
            }
            assertThat(live.service().get("/v1/orgs").status()).isEqualTo(200);
            assertThat(live.as(NEW_KEY).get("/v1/orgs").status()).isEqualTo(401);
        }
    }

    /**
     * Rotating the service key on two nodes, as docs/deployment.md says: each restarted with the new key and the old
     * one as previous, then each without it. The old key works on every node until the last step and on none after;
     * a node still given only the old key is refused once a live node runs the new key alone.
     */
    @Test
    void rotatingTheServiceKey_nodeByNode_endsWithOnlyTheNewKey_everywhere() {
        String database = TestDatabase.freshDatabaseUrl();
        UnaryOperator<Config> rotating = c -> c.withServiceKey(NEW_KEY).withPreviousServiceKey(TestNode.SERVICE_KEY);
        UnaryOperator<Config> rotated = c -> c.withServiceKey(NEW_KEY);
        TestNode first = TestNode.startOn(database);
        TestNode second = TestNode.startOn(database);
        try {
            first.close();
            first = TestNode.startOn(database, rotating);
            assertAccepted(List.of(first, second), TestNode.SERVICE_KEY);
            assertThat(first.as(NEW_KEY).get("/v1/orgs").status()).isEqualTo(200);

            second.close();
            second = TestNode.startOn(database, rotating);
            assertAccepted(List.of(first, second), TestNode.SERVICE_KEY);
            assertAccepted(List.of(first, second), NEW_KEY);

            first.close();
            first = TestNode.startOn(database, rotated);
            assertThatThrownBy(() -> TestNode.startOn(database).close()).as("only the old key, now")
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("run on this database with another service key than this node's");
            second.close();
            second = TestNode.startOn(database, rotated);
            assertAccepted(List.of(first, second), NEW_KEY);
            for (TestNode node : List.of(first, second)) {
                Http.Res refused = node.service().get("/v1/orgs");
                assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
                assertThat(refused.get("code").stringValue()).isEqualTo("invalid_key");
            }
        } finally {
            first.close();
            second.close();
        }
    }

    /** A third key, neither the old nor the new one of a rotation. */
    private static final String THIRD_KEY = "third-service-key-0123456789";

    /**
     * Midway through a rotation, a node not yet rotated restarts with the old key alone (after a crash, say): the
     * rotated node accepts the old key as its previous one, so it starts, and the old key works on both. It was
     * refused, the rotated node recording only its new key.
     */
    @Test
    void aNodeNotYetRotated_restartsWithTheOldKeyAlone_besideARotatedNode() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode rotating = TestNode.startOn(database, c -> c.withServiceKey(NEW_KEY)
                .withPreviousServiceKey(TestNode.SERVICE_KEY));
             TestNode notYetRotated = TestNode.startOn(database)) {
            assertAccepted(List.of(rotating, notYetRotated), TestNode.SERVICE_KEY);
            assertThat(rotating.as(NEW_KEY).get("/v1/orgs").status()).isEqualTo(200);
            assertThat(notYetRotated.as(NEW_KEY).get("/v1/orgs").status()).isEqualTo(401);
        }
    }

    /** Once the live nodes run the new key alone, the rotation is over: a node given the old key alone is refused. */
    @Test
    void aNodeWithTheOldKeyAlone_besideANodeThatRunsTheNewKeyAlone_doesNotStart() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode rotated = TestNode.startOn(database, c -> c.withServiceKey(NEW_KEY))) {
            assertThatThrownBy(() -> TestNode.startOn(database).close())
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("live node(s) " + rotated.node().nodes().nodeId() + " (seen ")
                    .hasMessageContaining("run on this database with another service key than this node's; give "
                            + "this node the same key (--service-key or GATEHOUSE_SERVICE_KEY)");
            assertThat(registeredNodes(database)).as("only the live node").isOne();
        }
    }

    /**
     * A third key is refused beside a node that rotates between two others: alone, as neither of them, or as the key
     * rotated to from the same old key, which would be two rotations at once (each node would accept the old key, and
     * no node both new ones).
     */
    @Test
    void aThirdKey_besideARotatingNode_doesNotStart() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode rotating = TestNode.startOn(database, c -> c.withServiceKey(NEW_KEY)
                .withPreviousServiceKey(TestNode.SERVICE_KEY))) {
            List<UnaryOperator<Config>> thirds = List.of(c -> c.withServiceKey(THIRD_KEY),
                    c -> c.withServiceKey(THIRD_KEY).withPreviousServiceKey(TestNode.SERVICE_KEY));
            for (UnaryOperator<Config> third : thirds) {
                assertThatThrownBy(() -> TestNode.startOn(database, third).close())
                        .isInstanceOf(StartupException.class)
                        .hasMessageStartingWith("live node(s) " + rotating.node().nodes().nodeId() + " (seen ")
                        .hasMessageContaining("run on this database with another service key than this node's")
                        .hasMessageNotContaining(THIRD_KEY).hasMessageNotContaining(NEW_KEY);
            }
            assertThat(registeredNodes(database)).as("only the live node").isOne();
        }
    }

    /**
     * Rolling a rotation back, a node restarts with the old key and the new one as previous beside a node that runs
     * the new key and the old one as previous: each accepts the other's key, so it starts, and both keys work on both.
     */
    @Test
    void rollingARotationBack_aNodeWithTheOldKeyAndTheNewAsPrevious_starts() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode rotating = TestNode.startOn(database, c -> c.withServiceKey(NEW_KEY)
                .withPreviousServiceKey(TestNode.SERVICE_KEY));
             TestNode rollingBack = TestNode.startOn(database, c -> c.withServiceKey(TestNode.SERVICE_KEY)
                     .withPreviousServiceKey(NEW_KEY))) {
            assertAccepted(List.of(rotating, rollingBack), TestNode.SERVICE_KEY);
            assertAccepted(List.of(rotating, rollingBack), NEW_KEY);
        }
    }

    /**
     * Each live node sharing a key with this one is not enough: no key may be left that every node accepts. Beside a
     * node rotating from the old key to the new one and a node already rotating on from the new key to a third, a node
     * with the old key and the third as previous shares a key with each, but none with both, and is refused.
     */
    @Test
    void aNodeSharingAKeyWithEachLiveNode_butNoneWithAll_doesNotStart() {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode rotating = TestNode.startOn(database, c -> c.withServiceKey(NEW_KEY)
                .withPreviousServiceKey(TestNode.SERVICE_KEY));
             TestNode rotatingOn = TestNode.startOn(database, c -> c.withServiceKey(THIRD_KEY)
                     .withPreviousServiceKey(NEW_KEY))) {
            assertThatThrownBy(() -> TestNode.startOn(database, c -> c.withServiceKey(TestNode.SERVICE_KEY)
                    .withPreviousServiceKey(THIRD_KEY)).close())
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining(rotating.node().nodes().nodeId())
                    .hasMessageContaining(rotatingOn.node().nodes().nodeId())
                    .hasMessageContaining("no service key of this node's is accepted by all of them")
                    .hasMessageNotContaining(TestNode.SERVICE_KEY).hasMessageNotContaining(THIRD_KEY);
            assertThat(registeredNodes(database)).as("only the live nodes").isEqualTo(2);
        }
    }

    private static void assertAccepted(List<TestNode> nodes, String key) {
        for (TestNode node : nodes) {
            Http.Res res = node.as(key).get("/v1/orgs");
            assertThat(res.status()).as(node.baseUrl() + " " + res).isEqualTo(200);
        }
    }

    /**
     * What a node records of its key in the node registry does not give the key away: not the key, nor its SHA-256
     * (hex or base64) — a slow hash, salted per node, so two nodes with one key record different fingerprints.
     */
    @Test
    void theKeysFingerprint_inTheNodeRegistry_isNeitherTheKeyNorItsSha256() throws Exception {
        String database = TestDatabase.freshDatabaseUrl();
        try (TestNode first = TestNode.startOn(database); TestNode second = TestNode.startOn(database)) {
            List<String> fingerprints = TestDatabase.jdbi(database).withHandle(h -> h.createQuery(
                    "SELECT service_key_fingerprint FROM gatehouse_nodes WHERE node_id IN (:first, :second)")
                    .bind("first", first.node().nodes().nodeId()).bind("second", second.node().nodes().nodeId())
                    .mapTo(String.class).list());
            assertThat(fingerprints).hasSize(2).doesNotContainNull();
            assertThat(fingerprints.get(0)).as("salted").isNotEqualTo(fingerprints.get(1));
            byte[] sha256 = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(TestNode.SERVICE_KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (String fingerprint : fingerprints) {
                assertThat(fingerprint).startsWith("pbkdf2-sha256$" + KeyFingerprint.ITERATIONS + "$")
                        .doesNotContain(TestNode.SERVICE_KEY)
                        .doesNotContainIgnoringCase(java.util.HexFormat.of().formatHex(sha256))
                        .doesNotContain(java.util.Base64.getEncoder().withoutPadding().encodeToString(sha256))
                        .doesNotContain(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sha256));
                assertThat(KeyFingerprint.matches(fingerprint, TestNode.SERVICE_KEY)).isTrue();
                assertThat(KeyFingerprint.matches(fingerprint, NEW_KEY)).isFalse();
            }
        }
    }

    private static long registeredNodes(String database) {
        return TestDatabase.jdbi(database).withHandle(h -> h.createQuery("SELECT count(*) FROM gatehouse_nodes")
                .mapTo(Long.class).one());
    }

    private static long serviceKeysStored(String database) {
        return TestDatabase.jdbi(database).withHandle(h -> h.createQuery(
                "SELECT count(*) FROM api_keys WHERE kind = 'service'").mapTo(Long.class).one());
    }

    private static long liveServiceKeysStored(String database) {
        return TestDatabase.jdbi(database).withHandle(h -> h.createQuery(
                "SELECT count(*) FROM api_keys WHERE kind = 'service' AND revoked_at IS NULL").mapTo(Long.class).one());
    }

    private static long revocationsRecorded(String database, String keyId) {
        return TestDatabase.jdbi(database).withHandle(h -> h.createQuery("SELECT count(*) FROM change_log "
                        + "WHERE object_type = 'api_key' AND object_id = :k AND action = 'deleted'")
                .bind("k", keyId).mapTo(Long.class).one());
    }

    @Test
    void whitespaceAroundTheConfiguredKey_isNotPartOfIt() {
        String key = "configured-service-key-0123456789";
        try (TestNode node = TestNode.start(c -> c.withServiceKey("  " + key + "\n"))) {
            Http.Res res = node.as(key).get("/v1/orgs");
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
        }
    }
}
