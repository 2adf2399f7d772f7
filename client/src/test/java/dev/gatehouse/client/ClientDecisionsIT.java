package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.Decisions.BatchResult;
import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.client.Decisions.CheckResult;
import dev.gatehouse.client.Decisions.DecisionPath;
import dev.gatehouse.client.Decisions.ResourceLookup;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.Members.NewMember;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The decision API through the client against the real server, on the docs model: alice edits everywhere (company
 * role Editor), bob views but edits d1–d3 (resource role Editor), carol sees only records she owns (Limited), and
 * lookups page in twos.
 */
class ClientDecisionsIT {

    private static TestNode node;
    private static GatehouseClient gatehouse;
    private static OrgClient org;
    private static long editor;
    private static long viewer;
    private static Member alice;
    private static Member bob;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        gatehouse = DocsOrg.serviceClient(node, 2);
        org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        editor = org.roles().create(DocsOrg.editor()).id();
        viewer = org.roles().create(DocsOrg.viewer()).id();
        long limited = org.roles().create(DocsOrg.limited()).id();
        alice = org.members().add(NewMember.internal("alice", "alice@example.com", editor));
        bob = org.members().add(NewMember.internal("bob", "bob@example.com", viewer));
        org.members().add(NewMember.internal("carol", "carol@example.com", limited));
        for (String doc : List.of("d1", "d2", "d3")) {
            org.assignments().assign(ResourceRef.of("doc", doc), bob.ref(), editor);
        }
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        node.close();
    }

    @Test
    void check_resourceRoleDecidesOnTheResource_companyRoleElsewhere() {
        Check bobWrites = Check.of(MemberRef.user("bob"), "doc.write");
        assertThat(org.decisions().check(bobWrites).allowed()).isFalse();
        assertThat(org.decisions().check(bobWrites.on("doc", "d1")).allowed()).isTrue();
        assertThat(org.decisions().check(bobWrites.on("doc", "d9")).allowed()).isFalse();
        long session = gatehouse.revision();
        CheckResult answer = org.decisions().check(bobWrites.on("doc", "d1"));
        assertThat(answer.revision()).isGreaterThanOrEqualTo(session).isPositive();
        assertThat(answer.explanation()).isNull();
    }

    @Test
    void explain_namesTheDecidingRoleAndItsPath() {
        CheckResult onDoc = org.decisions().explain(Check.of(bob.ref(), "doc.write").on("doc", "d1"));
        assertThat(onDoc.allowed()).isTrue();
        assertThat(onDoc.explanation().path()).isEqualTo(DecisionPath.RESOURCE_ROLE);
        assertThat(onDoc.explanation().roleId()).isEqualTo(editor);
        assertThat(onDoc.explanation().memberId()).isEqualTo(bob.id());
        assertThat(onDoc.explanation().reason()).isNotBlank();

        CheckResult orgWide = org.decisions().check(Check.of(alice.ref(), "doc.write").explained());
        assertThat(orgWide.explanation().path()).isEqualTo(DecisionPath.COMPANY_ROLE);
        assertThat(orgWide.explanation().roleId()).isEqualTo(editor);
    }

    @Test
    void checkAll_answersInOrderWithAFailingItemAsAnError() {
        BatchResult batch = org.decisions().checkAll(List.of(
                Check.of(bob.ref(), "doc.write").on("doc", "d1"),
                Check.of(bob.ref(), "doc.write"),
                Check.of(MemberRef.user("nobody"), "doc.read"),
                Check.of(alice.ref(), "doc.delete")));
        assertThat(batch.items()).hasSize(4);
        assertThat(batch.items().get(0).allowed()).isTrue();
        assertThat(batch.items().get(1).allowed()).isFalse();
        assertThat(batch.items().get(1).error()).isNull();
        assertThat(batch.items().get(2).error().status()).isEqualTo(404);
        assertThat(batch.items().get(2).error().code()).isNotBlank();
        assertThat(batch.items().get(3).allowed()).isFalse();
        assertThat(batch.revision()).isPositive();
    }

    @Test
    void lookupResources_pagesToTheEndAndSaysWhetherTheCompanyRoleCoversTheRest() {
        ResourceLookup bobWrites = org.decisions().lookupResources(bob.ref(), "doc.write", "doc");
        assertThat(bobWrites.resourceIds()).containsExactlyInAnyOrder("d1", "d2", "d3");
        assertThat(bobWrites.allUnassigned()).isFalse();
        ResourceLookup aliceWrites = org.decisions().lookupResources(alice.ref(), "doc.write", "doc");
        assertThat(aliceWrites.resourceIds()).isEmpty();
        assertThat(aliceWrites.allUnassigned()).isTrue();
    }

    @Test
    void lookupMembers_organizationWideAndOnAResource_acrossPages() {
        assertThat(org.decisions().lookupMembers("doc.write").map(Member::userId))
                .containsExactlyInAnyOrder("admin", "alice");
        assertThat(org.decisions().lookupMembers("doc.write", ResourceRef.of("doc", "d1")).map(Member::userId))
                .containsExactlyInAnyOrder("admin", "alice", "bob");
        assertThat(org.decisions().lookupMembers("doc.read").map(Member::userId))
                .containsExactlyInAnyOrder("admin", "alice", "bob", "carol");
    }

    @Test
    void permissions_organizationWideAndOnAResource() {
        long session = gatehouse.revision();
        Decisions.EffectivePermissions orgWide = org.decisions().permissions(bob.ref());
        assertThat(orgWide.permissions()).containsExactlyInAnyOrder("doc.read", "records.all");
        assertThat(orgWide.memberId()).isEqualTo(bob.id());
        assertThat(orgWide.resource()).isNull();
        Decisions.EffectivePermissions onD1 = org.decisions().permissions(bob.ref(), ResourceRef.of("doc", "d1"));
        assertThat(onD1.permissions()).contains("doc.read", "doc.write");
        assertThat(onD1.resource()).isEqualTo(ResourceRef.of("doc", "d1"));
        assertThat(onD1.revision()).isGreaterThanOrEqualTo(session);
    }

    @Test
    void visibility_recordsByTheirUserFields_andTheFilterItself() {
        MemberRef carol = MemberRef.user("carol");
        assertThat(org.decisions().visible(carol, Map.of("owner_id", List.of("carol"))).visible()).isTrue();
        Decisions.VisibilityCheck notHers = org.decisions().visible(carol, Map.of("owner_id", List.of("alice")));
        assertThat(notHers.visible()).isFalse();
        assertThat(notHers.filter().userFieldIds()).containsExactly("owner_id", "rep_id");
        assertThat(org.decisions().visible(carol, Map.of()).visible()).isFalse();
        assertThat(org.decisions().visible(bob.ref(), Map.of("owner_id", List.of("alice"))).visible()).isTrue();

        Decisions.VisibilityFilter filter = org.decisions().visibilityFilter(carol);
        assertThat(filter.seesAll()).isFalse();
        assertThat(filter.userId()).isEqualTo("carol");
        assertThat(filter.unassignedVisible()).isFalse();
        assertThat(org.decisions().visibilityFilter(bob.ref()).seesAll()).isTrue();
    }

    @Test
    void preview_saysWhoWouldGainWithoutWriting() {
        long before = gatehouse.revision();
        JsonNode preview = org.decisions().preview(Wire.object().set("member",
                Wire.object().put("user_id", "bob").put("role_id", editor)));
        assertThat(preview.get("members_gaining").asLong()).isEqualTo(1);
        assertThat(preview.get("gains").toString()).contains("doc.write");
        assertThat(org.decisions().check(Check.of(bob.ref(), "doc.write")).allowed()).isFalse();
        assertThat(org.members().get(bob.ref()).roleId()).isEqualTo(viewer);
        assertThat(gatehouse.revision()).isGreaterThanOrEqualTo(before);
    }
}
