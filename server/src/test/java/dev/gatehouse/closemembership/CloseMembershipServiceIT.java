package dev.gatehouse.closemembership;

import dev.gatehouse.access.Principal;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.store.Written;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link CloseMembershipService} called in process, without the Close dialect: its rules hold for every caller,
 * and its failures carry what a dialect needs to word them (the member already there, the reference that named
 * nobody) as typed subjects.
 */
class CloseMembershipServiceIT {

    static TestNode node;
    static CloseMembershipService memberships;
    static Fixtures fx;
    static Fixtures.Org org;
    static Principal admin;
    static long callerRole;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        memberships = node.node().closeMemberships();
        fx = new Fixtures(node);
        org = fx.org("close");
        admin = node.node().core().keys().authenticate(org.adminKey());
        callerRole = fx.role(org, "Caller", List.of("calling", "view_all_leads"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void add_refusesARoleThatManagesRoles() {
        long adminRole = fx.roleId(org, "Admin");
        assertThatThrownBy(() -> memberships.add(admin, org.id(), "boss@example.com", adminRole, "user_boss"))
                .isInstanceOfSatisfying(ForbiddenException.class, e -> assertThat(e.code()).isEqualTo("role_not_allowed"));
    }

    @Test
    void add_ofAnActiveMembersEmail_isAConflictAboutThatMember() {
        Membership first = memberships.add(admin, org.id(), "ann@example.com", callerRole, "user_ann").value();
        assertThat(first.settings()).isEqualTo(MembershipSettings.defaults(first.member().id()));
        assertThatThrownBy(() -> memberships.add(admin, org.id(), "ANN@example.com", callerRole, "user_ann2"))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.code()).isEqualTo("membership_exists");
                    assertThat(e.subject(Member.class)).map(Member::id).contains(first.member().id());
                });
    }

    @Test
    void update_ofAMissingMembership_isNotFoundAboutItsReference() {
        MembershipUpdate update = new MembershipUpdate(null, "enabled", null, false, null, null, false, null, null);
        assertThatThrownBy(() -> memberships.updateAll(admin, org.id(), List.of(org.adminId(), 987_654L), update))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).isEqualTo("member_not_found");
                    assertThat(e.subject(MemberRef.ById.class)).map(MemberRef.ById::id).contains(987_654L);
                });
        assertThat(memberships.settings(admin, org.id(), org.adminId()).autoRecordCalls())
                .as("all or nothing").isEqualTo("unset");
    }

    @Test
    void setPinnedViews_recordsOneChange_andNoneWhenNothingChanges() {
        long member = fx.member(org, "pinner", callerRole);
        long before = node.appliedRevision();
        Written<List<String>> set = memberships.setPinnedViews(admin, org.id(), member, List.of("save_a", "save_b"));
        assertThat(set.revision()).isEqualTo(before + 1);
        Written<List<String>> again = memberships.setPinnedViews(admin, org.id(), member, List.of("save_a", "save_b"));
        assertThat(again.revision()).isEqualTo(set.revision());
        assertThat(memberships.pinnedViews(admin, org.id(), member)).containsExactly("save_a", "save_b");
    }
}
