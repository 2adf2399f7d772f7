package dev.gatehouse.client;

import dev.gatehouse.client.Bulk.ImportOptions;
import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.client.Members.NewMember;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * The in-process replica against the real server: it bootstraps from the snapshot and answers as the server does,
 * follows writes as they commit, keeps to its organization, runs with a replica key, resumes after the network drops
 * and after the node restarts, resyncs when the history it needs is gone, and says when it is stale. The network is a
 * {@link LoopbackProxy} the tests cut and freeze.
 */
class ReplicaIT {

    static final Duration WAIT = Duration.ofSeconds(10);
    static TestNode node;
    static GatehouseClient gatehouse;
    static OrgClient org;
    static OrgClient other;
    static long editor;
    static long viewer;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        gatehouse = DocsOrg.serviceClient(node, 100);
        org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        other = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        editor = org.roles().create(DocsOrg.editor()).id();
        viewer = org.roles().create(DocsOrg.viewer()).id();
        org.members().add(NewMember.internal("alice", "alice@example.com", editor));
        org.members().add(NewMember.internal("bob", "bob@example.com", viewer));
        org.assignments().assign(ResourceRef.of("doc", "d1"), MemberRef.user("bob"), editor);
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        node.close();
    }

    static GatehouseReplica.Builder replicaOf(String url, String key) {
        return GatehouseReplica.builder().url(url).key(key).heartbeat(Duration.ofMillis(200))
                .staleAfter(Duration.ofSeconds(1)).maxBackoff(Duration.ofMillis(300));
    }

    static String replicaKey(Long orgId) {
        Map<String, Object> body = orgId == null ? Map.of() : Map.of("org_id", orgId);
        return node.service().post("/v1/replica-keys", body).get("key").stringValue();
    }

    static boolean allowed(Decisions decisions, String user, String permission, String type, String id) {
        Check check = Check.of(MemberRef.user(user), permission);
        return decisions.check(type == null ? check : check.on(type, id)).allowed();
    }

    @Test
    void bootstrap_answersAsTheServer_atTheServersRevision() {
        try (GatehouseReplica replica = replicaOf(node.baseUrl(), TestNode.SERVICE_KEY).build()) {
            assertThat(replica.revision()).isGreaterThanOrEqualTo(gatehouse.revision());
            Decisions local = replica.decisions(org.id());
            for (String user : List.of("alice", "bob")) {
                for (String permission : List.of("doc.read", "doc.write")) {
                    for (String doc : List.of("d1", "d2")) {
                        assertThat(allowed(local, user, permission, "doc", doc)).as(user + " " + permission + " " + doc)
                                .isEqualTo(allowed(org.decisions(), user, permission, "doc", doc));
                    }
                    assertThat(allowed(local, user, permission, null, null))
                            .isEqualTo(allowed(org.decisions(), user, permission, null, null));
                }
            }
            assertThatThrownBy(() -> allowed(local, "nobody", "doc.read", null, null))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("member_not_found");
            assertThatThrownBy(() -> allowed(local, "alice", "doc.fly", null, null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown_permission");
            assertThatThrownBy(() -> allowed(replica.decisions(999_999), "alice", "doc.read", null, null))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("organization_not_found");
            assertThat(replica.isStale()).isFalse();
        }
    }

    @Test
    void followsWrites_asTheyCommit() throws InterruptedException {
        try (GatehouseReplica replica = replicaOf(node.baseUrl(), TestNode.SERVICE_KEY).build()) {
            Decisions local = replica.decisions(org.id());
            assertThat(allowed(local, "bob", "doc.write", "doc", "d7")).isFalse();
            org.assignments().assign(ResourceRef.of("doc", "d7"), MemberRef.user("bob"), editor);
            assertThat(replica.awaitRevision(gatehouse.revision(), WAIT)).isTrue();
            assertThat(allowed(local, "bob", "doc.write", "doc", "d7")).isTrue();
            org.members().add(NewMember.internal("newcomer", "newcomer@example.com", editor));
            assertThat(replica.awaitRevision(gatehouse.revision(), WAIT)).isTrue();
            assertThat(allowed(local, "newcomer", "doc.write", null, null)).isTrue();
            assertThat(local.lookupMembers("doc.write").map(Members.Member::userId)).contains("newcomer", "alice");
            assertThat(replica.awaitRevision(gatehouse.revision() + 1_000, Duration.ofMillis(100))).isFalse();
        }
    }

    @Test
    void anOrgScopedReplica_holdsItsOrganizationAlone_yetAdvancesWithEveryRevision() throws InterruptedException {
        try (GatehouseReplica replica = replicaOf(node.baseUrl(), replicaKey(org.id())).build()) {
            assertThat(allowed(replica.decisions(org.id()), "alice", "doc.write", null, null)).isTrue();
            assertThatThrownBy(() -> allowed(replica.decisions(other.id()), "admin", "doc.read", null, null))
                    .isInstanceOf(NotFoundException.class);
            other.members().add(NewMember.internal("elsewhere", "elsewhere@example.com", other.roles().list()
                    .filter(r -> r.name().equals("Owner")).findFirst().orElseThrow().id()));
            assertThat(replica.awaitRevision(gatehouse.revision(), WAIT)).as("another organization's revision")
                    .isTrue();
            assertThatThrownBy(() -> allowed(replica.decisions(other.id()), "elsewhere", "doc.read", null, null))
                    .isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void aReplicaKey_readsTheStreamsAndNothingElse() {
        String key = replicaKey(null);
        try (GatehouseReplica replica = replicaOf(node.baseUrl(), key).build();
             GatehouseClient asReplica = GatehouseClient.builder().url(node.baseUrl()).key(key)
                     .retry(RetryPolicy.none()).build()) {
            assertThat(allowed(replica.decisions(org.id()), "alice", "doc.read", null, null)).isTrue();
            assertThatThrownBy(() -> asReplica.org(org.id()).members().list().count())
                    .isInstanceOf(ForbiddenException.class).hasMessageContaining("replica_key_read_only");
        }
        String memberKey = org.keys().issue(MemberRef.user("alice"), "k").key();
        assertThatThrownBy(() -> replicaOf(node.baseUrl(), memberKey).build())
                .isInstanceOf(ForbiddenException.class).hasMessageContaining("replica_key_required");
    }

    /** A node of its own for a test that restarts it, with a client that follows it to its new port. */
    static final class Restartable implements AutoCloseable {
        final TestNode node = TestNode.start();
        GatehouseClient gatehouse = DocsOrg.serviceClient(node, 100);
        final OrgClient org;
        final long editor;

        Restartable() {
            org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
            editor = org.roles().create(DocsOrg.editor()).id();
            org.members().add(NewMember.internal("bob", "bob@example.com", org.roles().create(DocsOrg.viewer()).id()));
        }

        void restart(LoopbackProxy proxy) {
            long revision = gatehouse.revision();
            gatehouse.close();
            node.restart();
            proxy.target(node.node().port());
            gatehouse = GatehouseClient.builder().url(node.baseUrl()).key(TestNode.SERVICE_KEY).revision(revision)
                    .build();
        }

        void assign(String doc) {
            gatehouse.org(org.id()).assignments().assign(ResourceRef.of("doc", doc), MemberRef.user("bob"), editor);
        }

        @Override
        public void close() {
            gatehouse.close();
            node.close();
        }
    }

    @Test
    void resumesFromItsRevision_afterTheNetworkDrops_andAfterTheNodeRestarts() throws Exception {
        try (Restartable own = new Restartable(); LoopbackProxy proxy = new LoopbackProxy(own.node.node().port());
             GatehouseReplica replica = replicaOf(proxy.url(), TestNode.SERVICE_KEY).build()) {
            Decisions local = replica.decisions(own.org.id());
            own.assign("d7");
            assertThat(replica.awaitRevision(own.gatehouse.revision(), WAIT)).as("following").isTrue();
            proxy.cut();
            own.assign("d8");
            assertThat(replica.awaitRevision(own.gatehouse.revision(), WAIT)).as("caught up after the cut").isTrue();
            assertThat(allowed(local, "bob", "doc.write", "doc", "d8")).isTrue();
            assertThat(replica.reconnects()).isPositive();
            assertThat(replica.resyncs()).as("resumed, not reloaded").isZero();

            own.restart(proxy);
            proxy.cut();
            own.assign("d9");
            assertThat(replica.awaitRevision(own.gatehouse.revision(), WAIT)).as("caught up after the restart")
                    .isTrue();
            assertThat(allowed(local, "bob", "doc.write", "doc", "d9")).isTrue();
            assertThat(replica.resyncs()).isZero();
        }
    }

    @Test
    void saysWhenItIsStale_andRecoversWhenNewsArrive() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(node.node().port());
             GatehouseReplica replica = replicaOf(proxy.url(), TestNode.SERVICE_KEY).build()) {
            assertThat(replica.isStale()).isFalse();
            proxy.freeze();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!replica.isStale() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(replica.isStale()).isTrue();
            assertThat(replica.staleness()).isGreaterThan(Duration.ofSeconds(1));
            assertThat(allowed(replica.decisions(org.id()), "alice", "doc.read", null, null))
                    .as("still answers from what it holds").isTrue();
            proxy.thaw();
            proxy.cut();
            deadline = System.nanoTime() + WAIT.toNanos();
            while (replica.isStale() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(replica.isStale()).isFalse();
        }
    }

    /**
     * A change that takes longer to arrive than the stale bound (1 s) — one import's run of 1,000 assignments, about
     * 120 KB on the stream, through a link passing 24 KB a second — is read to its end and applied, not cut off for
     * silence and asked for again (which, the same change coming again as slowly, would never end).
     */
    @Test
    void aChangeTakingLongerToArriveThanTheStaleBound_isAppliedWhole_withoutReconnecting() throws Exception {
        OrgClient slow = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long reader = slow.roles().create(DocsOrg.viewer()).id();
        slow.members().add(NewMember.internal("cy", "cy@example.com", reader));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            lines.append("{\"type\": \"assignment\", \"resource\": {\"type\": \"doc\", \"id\": \"slow-").append(i)
                    .append("\"}, \"user_id\": \"cy\", \"role\": \"Viewer\"}\n");
        }
        try (LoopbackProxy proxy = new LoopbackProxy(node.node().port());
             GatehouseReplica replica = replicaOf(proxy.url(), TestNode.SERVICE_KEY).build()) {
            long reconnects = replica.reconnects();
            proxy.throttle(24_000);
            long revision = slow.bulk().importFrom(new ByteArrayInputStream(
                    lines.toString().getBytes(StandardCharsets.UTF_8)), ImportOptions.defaults()).revision();
            assertThat(replica.awaitRevision(revision, Duration.ofSeconds(30))).as("the change arrived").isTrue();
            assertThat(allowed(replica.decisions(slow.id()), "cy", "doc.read", "doc", "slow-999")).isTrue();
            assertThat(replica.reconnects()).as("the stream was not cut off").isEqualTo(reconnects);
            assertThat(replica.resyncs()).isZero();
        }
    }

    /**
     * A member's removal with its 400 assignments is one commit, and the replica applies it as one change: it answers
     * from before the removal or after it, never from inside it — where the member, an Editor whose Viewer assignments
     * decide on the documents, would write on those whose assignment was deleted already. The link is slowed so that
     * the stream takes seconds to bring the commit, and the replica is asked as soon as it holds a revision inside it.
     */
    @Test
    void aCommitOfManyRecords_isAppliedWhole_neverFromInside() throws Exception {
        OrgClient removal = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long writer = removal.roles().create(DocsOrg.editor()).id();
        removal.roles().create(DocsOrg.viewer());
        removal.members().add(NewMember.internal("wren", "wren@example.com", writer));
        int docs = 400;
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < docs; i++) {
            lines.append("{\"type\": \"assignment\", \"resource\": {\"type\": \"doc\", \"id\": \"w-").append(i)
                    .append("\"}, \"user_id\": \"wren\", \"role\": \"Viewer\"}\n");
        }
        removal.bulk().importFrom(new ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8)),
                ImportOptions.defaults());
        try (LoopbackProxy proxy = new LoopbackProxy(node.node().port());
             GatehouseReplica replica = replicaOf(proxy.url(), TestNode.SERVICE_KEY).build()) {
            Decisions local = replica.decisions(removal.id());
            assertThat(replica.awaitRevision(gatehouse.revision(), WAIT)).isTrue();
            assertThat(allowed(local, "wren", "doc.write", "doc", "w-0")).as("Viewer decides").isFalse();
            proxy.throttle(20_000);

            removal.members().remove(MemberRef.user("wren"));
            long last = gatehouse.revision();
            long inside = last - docs / 2; // the removal's records: one per assignment, then the member's
            assertThat(replica.awaitRevision(inside, Duration.ofSeconds(30))).isTrue();
            long held = replica.revision();
            List<String> writable = new java.util.ArrayList<>();
            for (int i = 0; i < docs; i += 10) {
                try {
                    if (allowed(local, "wren", "doc.write", "doc", "w-" + i)) {
                        writable.add("w-" + i);
                    }
                } catch (NotFoundException gone) {
                    // after the removal: the replica knows no such member
                }
            }
            assertThat(writable).as("documents wren could write on at revision %d, inside the removal (%d..%d)", held,
                    last - docs, last).isEmpty();
            assertThat(held).as("the replica reached the commit's last revision at once").isEqualTo(last);
        }
    }

    @Test
    void resyncsFromASnapshot_whenTheHistoryItNeedsIsGone() throws Exception {
        try (Restartable own = new Restartable(); LoopbackProxy proxy = new LoopbackProxy(own.node.node().port());
             GatehouseReplica replica = replicaOf(proxy.url(), TestNode.SERVICE_KEY).build()) {
            Decisions local = replica.decisions(own.org.id());
            proxy.freeze();
            long held = replica.revision();
            own.assign("d10");
            own.assign("d11");
            long head = own.gatehouse.revision();
            try (Connection db = DriverManager.getConnection(own.node.databaseUrl(), dev.gatehouse.testing.TestDatabase.USER,
                    dev.gatehouse.testing.TestDatabase.password()); Statement sql = db.createStatement()) {
                // what retention does to a replica that fell behind: the revisions after its own are pruned
                sql.executeUpdate("DELETE FROM change_log WHERE revision > " + held + " AND revision < " + head);
            }
            own.restart(proxy); // a node that holds the pruned revisions in memory would still serve them
            proxy.cut();
            proxy.thaw();
            assertThat(replica.awaitRevision(head, WAIT)).isTrue();
            assertThat(replica.resyncs()).isEqualTo(1);
            assertThat(allowed(local, "bob", "doc.write", "doc", "d10")).isTrue();
            assertThat(allowed(local, "bob", "doc.write", "doc", "d11")).isTrue();
        }
    }

    /**
     * Revisions number one deployment's history. When the replica's URL comes to lead to another deployment (one
     * re-created by export and import, a new cluster) whose change log runs past the replica's revision, the replica
     * loads that deployment's snapshot and answers its truth, rather than applying its later revisions on top of the
     * first deployment's state. The two are built alike, so that their organizations, roles and members have the same
     * ids and those revisions would apply without a complaint: alice is a member of the first alone, carol of the
     * second alone.
     */
    @Test
    void resyncs_whenItsUrlNowLeadsToAnotherDeployment_whoseLogRunsPastItsRevision() throws Exception {
        try (TestNode first = TestNode.start(); TestNode second = TestNode.start();
             GatehouseClient one = DocsOrg.serviceClient(first, 100);
             GatehouseClient two = DocsOrg.serviceClient(second, 100)) {
            OrgClient before = one.org(DocsOrg.create(one).organization().id());
            OrgClient after = two.org(DocsOrg.create(two).organization().id());
            before.members().add(NewMember.internal("alice", "alice@example.com",
                    before.roles().create(DocsOrg.editor()).id()));
            long editorAfter = after.roles().create(DocsOrg.editor()).id();
            after.members().add(NewMember.internal("carol", "carol@example.com", editorAfter));
            for (int i = 0; i < 5; i++) {
                after.assignments().assign(ResourceRef.of("doc", "c" + i), MemberRef.user("carol"), editorAfter);
            }
            assertThat(after.id()).as("the same organization id in both").isEqualTo(before.id());
            try (LoopbackProxy proxy = new LoopbackProxy(first.node().port());
                 GatehouseReplica replica = replicaOf(proxy.url(), TestNode.SERVICE_KEY).build()) {
                assertThat(replica.awaitRevision(one.revision(), WAIT)).isTrue();
                assertThat(allowed(replica.decisions(before.id()), "alice", "doc.write", null, null)).isTrue();
                assertThat(two.revision()).as("the second deployment's log runs past the replica")
                        .isGreaterThan(replica.revision());

                proxy.target(second.node().port());
                proxy.cut();
                assertThat(replica.awaitRevision(two.revision(), WAIT)).isTrue();
                assertThat(replica.resyncs()).as("a snapshot of the second deployment, not its later revisions")
                        .isEqualTo(1);
                Decisions local = replica.decisions(after.id());
                assertThat(allowed(local, "carol", "doc.write", "doc", "c4")).isTrue();
                assertThatThrownBy(() -> allowed(local, "alice", "doc.write", "doc", "c4"))
                        .isInstanceOf(NotFoundException.class).hasMessageContaining("member_not_found");
                assertThat(replica.isStale()).isFalse();
            }
        }
    }

    /**
     * A timeout too long to count in nanoseconds waits, as any long one does: it neither ends at once (a deadline
     * that overflowed) nor throws (a conversion that did).
     */
    @Test
    void awaitRevision_withATimeoutTooLongToCount_waitsForTheRevision() throws Exception {
        try (GatehouseReplica replica = replicaOf(node.baseUrl(), TestNode.SERVICE_KEY).build()) {
            assertThat(replica.awaitRevision(gatehouse.revision(), WAIT)).isTrue();
            for (Duration forever : List.of(Duration.ofMillis(Long.MAX_VALUE), Duration.ofDays(400L * 365),
                    Duration.ofSeconds(Long.MAX_VALUE / 2), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))) {
                long next = replica.revision() + 1;
                Thread writer = new Thread(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                    org.assignments().assign(ResourceRef.of("doc", "forever-" + next), MemberRef.user("bob"), viewer);
                });
                writer.start();
                long started = System.nanoTime();
                assertThat(replica.awaitRevision(next, forever)).as("%s", forever).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited for the write, %s", forever)
                        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
                writer.join();
                assertThat(replica.awaitRevision(next, forever)).as("held already: at once").isTrue();
            }
            assertThat(replica.awaitRevision(replica.revision() + 1_000, Duration.ofSeconds(Long.MIN_VALUE)))
                    .as("a timeout that is past").isFalse();
        }
    }

    /**
     * What the server refuses before it decides — text with a control character, a user id, resource id, permission
     * or resource type too long, in a body or in a URL — the replica refuses with the server's answer: the same
     * status, code, field errors and detail, where the engine alone would have said "no" or "no such member". An id
     * within the limits in characters though not in UTF-16 units is no error on either.
     */
    @Test
    void inputTheServerRefuses_isRefusedByTheReplica_withTheServersAnswer() throws Exception {
        try (GatehouseReplica replica = replicaOf(node.baseUrl(), TestNode.SERVICE_KEY).build()) {
            assertThat(replica.awaitRevision(gatehouse.revision(), WAIT)).isTrue();
            for (var each : refusedInput().entrySet()) {
                assertThat(outcome(replica.decisions(org.id()), each.getValue())).as(each.getKey())
                        .isEqualTo(outcome(org.decisions(), each.getValue()));
            }
        }
    }

    /**
     * In an organization that was deleted, input the server refuses is refused as anywhere else, before the
     * organization's 404: the server reads the request before its engine finds no organization, and so does the
     * replica. A question it reads is the organization's 404 on both, in a batch each check's alone.
     */
    @Test
    void inputTheServerRefuses_isRefusedBeforeTheOrganizationIsLookedUp_evenOnceItIsDeleted() throws Exception {
        OrgClient deleted = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        gatehouse.organizations().delete(deleted.id());
        try (GatehouseReplica replica = replicaOf(node.baseUrl(), TestNode.SERVICE_KEY).build()) {
            assertThat(replica.awaitRevision(gatehouse.revision(), WAIT)).isTrue();
            Map<String, java.util.function.Function<Decisions, Object>> cases = refusedInput();
            Check read = Check.of(MemberRef.user("admin"), "doc.read");
            cases.put("check", d -> d.check(read).allowed());
            cases.put("explain, a doc id with U+0001", d -> d.explain(read.on("doc", "a\u0001")).allowed());
            cases.put("permissions, a doc id of 201", d -> d.permissions(MemberRef.user("admin"), ResourceRef.of("doc",
                    "d".repeat(201))).permissions());
            cases.put("batch", d -> items(d.checkAll(List.of(read, read.on("doc", "d1")))));
            cases.put("empty batch", d -> items(d.checkAll(List.of())));
            cases.put("lookup members", d -> d.lookupMembers("doc.read").map(Members.Member::userId).toList());
            cases.put("visibility filter", d -> d.visibilityFilter(MemberRef.user("admin")).seesAll());
            assertSoftly(softly -> cases.forEach((name, ask) ->
                    softly.assertThat(outcome(replica.decisions(deleted.id()), ask)).as(name)
                            .isEqualTo(outcome(deleted.decisions(), ask))));
        }
    }

    /** Questions the server refuses before it decides, in an organization where {@code alice} reads documents. */
    private static Map<String, java.util.function.Function<Decisions, Object>> refusedInput() {
        MemberRef alice = MemberRef.user("alice");
        String long300 = "x".repeat(300);
        String emoji150 = "\uD83D\uDE00".repeat(150);
        Check read = Check.of(alice, "doc.read");
        Map<String, java.util.function.Function<Decisions, Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("user id of 300", d -> d.check(Check.of(MemberRef.user("u".repeat(300)), "doc.read")).allowed());
        cases.put("user id with U+0001", d -> d.check(Check.of(MemberRef.user("a\u0001"), "doc.read")).allowed());
        cases.put("user id with a tab", d -> d.check(Check.of(MemberRef.user("a\tb"), "doc.read")).allowed());
        cases.put("room id of 300", d -> d.check(read.on("room", long300)).allowed());
        cases.put("doc id of 5,000", d -> d.check(read.on("doc", "x".repeat(5_000))).allowed());
        cases.put("doc id of 150 emoji", d -> d.check(read.on("doc", emoji150)).allowed());
        cases.put("doc id with U+0001", d -> d.check(read.on("doc", "a\u0001")).allowed());
        cases.put("type of 100", d -> d.check(read.on("t".repeat(100), "d1")).allowed());
        cases.put("permission of 500", d -> d.check(Check.of(alice, "p".repeat(500))).allowed());
        cases.put("explained, several at once", d -> d.explain(Check.of(MemberRef.user(long300), "p".repeat(500))
                .on("doc", long300)).allowed());
        cases.put("batch, one bad", d -> d.checkAll(List.of(read, read.on("doc", long300), Check.of(
                MemberRef.user("a\u0001"), "doc.read"))).items().size());
        cases.put("batch, two too long", d -> d.checkAll(List.of(read.on("doc", long300), read,
                Check.of(MemberRef.user(long300), "doc.read"))).items().size());
        cases.put("batch of 1,001", d -> d.checkAll(java.util.Collections.nCopies(1_001, read)).items().size());
        cases.put("lookup resources, user id of 300", d -> d.lookupResources(MemberRef.user(long300), "doc.read",
                "doc").resourceIds());
        cases.put("lookup resources, type with U+0001", d -> d.lookupResources(alice, "doc.read", "d\u0001")
                .resourceIds());
        cases.put("lookup members, doc id of 300", d -> d.lookupMembers("doc.read", ResourceRef.of("doc",
                long300)).map(Members.Member::userId).toList());
        cases.put("visible, user id of 300", d -> d.visible(MemberRef.user(long300), Map.of("owner_id",
                List.of("alice"))).visible());
        cases.put("visible, a value of 300", d -> d.visible(alice, Map.of("owner_id", List.of(long300)))
                .visible());
        cases.put("visible, a field name with U+0001", d -> d.visible(alice, Map.of("own\u0001er",
                List.of("alice"))).visible());
        cases.put("visible, 1,001 values", d -> d.visible(alice, Map.of("owner_id",
                java.util.Collections.nCopies(1_001, "alice"))).visible());
        cases.put("permissions, user id with U+0001", d -> d.permissions(MemberRef.user("a\u0001")).permissions());
        cases.put("permissions, user id with a tab", d -> d.permissions(MemberRef.user("a\tb")).permissions());
        cases.put("permissions, user id of 300", d -> d.permissions(MemberRef.user(long300)).permissions());
        cases.put("permissions, doc id of 300", d -> d.permissions(alice, ResourceRef.of("doc", long300))
                .permissions());
        cases.put("permissions, doc id with U+0001", d -> d.permissions(alice, ResourceRef.of("doc", "a\u0001"))
                .permissions());
        cases.put("visibility filter, user id of 300", d -> d.visibilityFilter(MemberRef.user(long300)).seesAll());
        return cases;
    }

    /**
     * A member id below 1 is refused by the client itself, before the replica or the server is asked (the server's
     * rule: ids are positive). An unknown resource type's 400 names the field that carried it on each route ({@code resource.type},
     * a resource lookup's {@code type}, the permissions' {@code resource_type}); an unknown member's 404, alone or in
     * a batch, is worded as the server words it.
     */
    @Test
    void memberIdsBelowOne_unknownTypes_andUnknownMembers_areRefusedByTheReplica_inTheServersWords() throws Exception {
        try (GatehouseReplica replica = replicaOf(node.baseUrl(), TestNode.SERVICE_KEY).build()) {
            assertThat(replica.awaitRevision(gatehouse.revision(), WAIT)).isTrue();
            MemberRef alice = MemberRef.user("alice");
            Check read = Check.of(alice, "doc.read");
            Map<String, java.util.function.Function<Decisions, Object>> cases = new java.util.LinkedHashMap<>();
            for (long id : new long[] {0, -1}) {
                // the server takes no such id: the client refuses it before the replica or the server is asked
                assertThatThrownBy(() -> MemberRef.id(id)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("memberId must be positive, got " + id);
            }
            cases.put("check, unknown type", d -> d.check(read.on("nope", "1")).allowed());
            cases.put("batch, unknown type", d -> items(d.checkAll(List.of(read, read.on("nope", "1")))));
            cases.put("lookup resources, unknown type", d -> d.lookupResources(alice, "doc.read", "nope")
                    .resourceIds());
            cases.put("lookup resources, empty type", d -> d.lookupResources(alice, "doc.read", "").resourceIds());
            cases.put("lookup members, unknown type", d -> d.lookupMembers("doc.read", ResourceRef.of("nope", "1"))
                    .map(Members.Member::userId).toList());
            cases.put("permissions, unknown type", d -> d.permissions(alice, ResourceRef.of("nope", "1"))
                    .permissions());
            Check ghost = Check.of(MemberRef.user("ghost"), "doc.read");
            cases.put("check, unknown user", d -> d.check(ghost).allowed());
            cases.put("check, unknown member id", d -> d.check(Check.of(MemberRef.id(999_999), "doc.read")).allowed());
            cases.put("check, unknown user of 100 with an override", d -> d.check(Check.of(MemberRef.user(
                    "\u202E" + "g".repeat(100)), "doc.read")).allowed());
            cases.put("batch, unknown members", d -> items(d.checkAll(List.of(read, ghost, Check.of(
                    MemberRef.id(999_999), "doc.read")))));
            cases.put("permissions, unknown user", d -> d.permissions(MemberRef.user("ghost")).permissions());
            cases.put("visibility filter, unknown member id", d -> d.visibilityFilter(MemberRef.id(999_999))
                    .seesAll());
            assertSoftly(softly -> cases.forEach((name, ask) ->
                    softly.assertThat(worded(replica.decisions(org.id()), ask)).as(name)
                            .isEqualTo(worded(org.decisions(), ask))));
        }
    }

    /** A batch's items as their answers or their refusals' status, code and detail. */
    private static List<String> items(Decisions.BatchResult batch) {
        return batch.items().stream().map(item -> item.error() == null ? "allowed " + item.result().allowed()
                : item.error().status() + " " + item.error().code() + " " + item.error().detail()).toList();
    }

    /** An answer, or a refusal as its status, code, field errors and detail. */
    private static String worded(Decisions decisions, java.util.function.Function<Decisions, Object> ask) {
        try {
            return "answered " + ask.apply(decisions);
        } catch (GatehouseException e) {
            return e.status() + " " + e.code() + " " + new java.util.TreeMap<>(e.fieldErrors()) + " | " + e.detail();
        }
    }

    /**
     * An answer, or a refusal as its status, code and field errors, and a 400's detail (which names the fields; a
     * 404's is worded by each side).
     */
    private static String outcome(Decisions decisions, java.util.function.Function<Decisions, Object> ask) {
        try {
            return "answered " + ask.apply(decisions);
        } catch (GatehouseException e) {
            return e.status() + " " + e.code() + " " + new java.util.TreeMap<>(e.fieldErrors())
                    + (e.status() == 400 ? " | " + e.detail() : "");
        }
    }
}
