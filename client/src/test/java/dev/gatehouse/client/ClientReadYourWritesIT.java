package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.Members.NewMember;
import dev.gatehouse.testing.FrozenFeed;
import dev.gatehouse.testing.TestNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes across two nodes on one database: a write through node 1 raises the session's revision, and a
 * decision asked of node 2 — whose feed is frozen, so it lags deterministically — waits for that revision instead
 * of answering from older state. A client without the token gets node 2's stale answer, which is what the token is
 * for.
 */
class ClientReadYourWritesIT {

    private static TestNode first;
    private static TestNode second;

    @BeforeAll
    static void start() {
        first = TestNode.start();
        second = TestNode.startOn(first.databaseUrl());
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void decisionOnAnotherNode_seesTheSessionsWrite_whileATokenlessOneDoesNot() throws Exception {
        try (GatehouseClient writer = DocsOrg.serviceClient(first, 100);
             GatehouseClient tokenless = DocsOrg.serviceClient(second, 100)) {
            OrgClient org = writer.org(DocsOrg.create(writer).organization().id());
            long viewer = org.roles().create(DocsOrg.viewer()).id();
            long editor = org.roles().create(DocsOrg.editor()).id();
            Member bob = org.members().add(NewMember.internal("bob", "bob@example.com", viewer));
            awaitApplied(second, writer.revision());
            Check bobWrites = Check.of(bob.ref(), "doc.write").on("doc", "d1");
            assertThat(tokenless.org(org.id()).decisions().check(bobWrites).allowed()).isFalse();

            FrozenFeed frozen = FrozenFeed.of(second);
            try {
                org.assignments().assign(ResourceRef.of("doc", "d1"), bob.ref(), editor);
                long written = writer.revision();
                assertThat(tokenless.org(org.id()).decisions().check(bobWrites).allowed())
                        .as("node 2 lags: without the token it answers from before the write").isFalse();

                try (GatehouseClient session = GatehouseClient.builder().url(second.baseUrl())
                        .key(TestNode.SERVICE_KEY).revision(written).build()) {
                    CompletableFuture<Decisions.EffectivePermissions> permissions = CompletableFuture.supplyAsync(
                            () -> session.org(org.id()).decisions().permissions(bob.ref(), ResourceRef.of("doc", "d1")));
                    Thread.sleep(300);
                    assertThat(permissions).as("the session waits for its revision").isNotDone();
                    frozen.close();
                    Decisions.EffectivePermissions seen = permissions.get(10, TimeUnit.SECONDS);
                    assertThat(seen.permissions()).contains("doc.write");
                    assertThat(seen.revision()).isGreaterThanOrEqualTo(written);
                    CheckResultAssert.allowedAtLeast(session.org(org.id()).decisions().check(bobWrites), written);
                }
            } finally {
                frozen.close();
            }
        }
    }

    @Test
    void tokenHandedToAnotherClient_carriesTheGuarantee() throws Exception {
        try (GatehouseClient writer = DocsOrg.serviceClient(first, 100)) {
            OrgClient org = writer.org(DocsOrg.create(writer).organization().id());
            long editor = org.roles().create(DocsOrg.editor()).id();
            Member alice = org.members().add(NewMember.internal("alice", "alice@example.com",
                    org.roles().create(DocsOrg.viewer()).id()));
            awaitApplied(second, writer.revision());
            try (GatehouseClient reader = DocsOrg.serviceClient(second, 100)) {
                FrozenFeed frozen = FrozenFeed.of(second);
                try {
                    org.members().update(alice.ref(), Members.MemberUpdate.role(editor));
                    reader.observeRevision(writer.revision());
                    CompletableFuture<Decisions.CheckResult> check = CompletableFuture.supplyAsync(
                            () -> reader.org(org.id()).decisions().check(Check.of(alice.ref(), "doc.write")));
                    Thread.sleep(300);
                    assertThat(check).as("the check waits for the session's revision").isNotDone();
                    frozen.close();
                    CheckResultAssert.allowedAtLeast(check.get(10, TimeUnit.SECONDS), writer.revision());
                } finally {
                    frozen.close();
                }
            }
        }
    }

    /**
     * A session revision the deployment's change log never reached — the base URL now names a deployment re-created
     * by export and import, or a database restored from a backup, or the token came from elsewhere — once failed
     * every decision forever with 400 {@code invalid_input} naming {@code min_revision}, a field the caller never
     * sent. The client lowers it to the log's end and asks again, once; the session then goes on from there.
     */
    @Test
    void sessionRevisionPastTheChangeLog_isLoweredToItsEnd_andTheDecisionAnswered() {
        try (GatehouseClient writer = DocsOrg.serviceClient(first, 100)) {
            OrgClient org = writer.org(DocsOrg.create(writer).organization().id());
            Member alice = org.members().add(NewMember.internal("alice", "alice@example.com",
                    org.roles().create(DocsOrg.viewer()).id()));
            long logEnd = writer.revision();
            long foreign = logEnd + 1_000_000;
            try (GatehouseClient moved = GatehouseClient.builder().url(second.baseUrl()).key(TestNode.SERVICE_KEY)
                    .revision(foreign).build()) {
                Decisions.CheckResult result = moved.org(org.id()).decisions().check(Check.of(alice.ref(),
                        "doc.read"));
                CheckResultAssert.allowedAtLeast(result, logEnd);
                assertThat(moved.revision()).isBetween(logEnd, foreign - 1);
                // the decision reads sent as GET, and a batch, go on from the lowered revision
                assertThat(moved.org(org.id()).decisions().permissions(alice.ref()).permissions())
                        .contains("doc.read");
                moved.observeRevision(foreign);
                assertThat(moved.org(org.id()).decisions().permissions(alice.ref()).revision())
                        .isGreaterThanOrEqualTo(logEnd);
                moved.observeRevision(foreign);
                assertThat(moved.org(org.id()).decisions().checkAll(java.util.List.of(Check.of(alice.ref(),
                        "doc.read"))).items()).allMatch(Decisions.BatchItem::allowed);
                assertThat(moved.revision()).isLessThan(foreign);
            }
        }
    }

    private static void awaitApplied(TestNode node, long revision) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (node.appliedRevision() < revision) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node never applied revision " + revision);
            }
            Thread.sleep(10);
        }
    }

    /** Asserts a check was allowed at a revision no older than the session's write. */
    private static final class CheckResultAssert {

        static void allowedAtLeast(Decisions.CheckResult result, long revision) {
            assertThat(result.allowed()).isTrue();
            assertThat(result.revision()).isGreaterThanOrEqualTo(revision);
        }
    }
}
