package dev.gatehouse.decision;

import dev.gatehouse.access.Principal;
import dev.gatehouse.decision.OrgDecisions.CheckRequest;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DecisionService} asked in process, as a client library or a console would ask it, without any dialect:
 * the rules of who may ask about whom and the member resolution hold there, not in the HTTP layer.
 */
class DecisionServiceIT {

    static TestNode node;
    static DecisionService decisions;
    static Fixtures.Org org;
    static Fixtures.Org other;
    static long agent;
    static long admin;
    static String room;
    static Principal agentKey;
    static Principal adminKey;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        decisions = node.node().decisions();
        Fixtures fx = new Fixtures(node);
        org = fx.org("rooms");
        other = fx.org("rooms");
        long agentRole = fx.role(org, "Agent", List.of("canCreateRooms", "canViewRoomDetails"));
        agent = fx.member(org, "u-agent", agentRole);
        admin = org.adminId();
        room = fx.room(org, "Deal", agent, agentRole);
        String agentToken = node.service().post(org.path() + "/members/" + agent + "/keys", Map.of())
                .get("key").stringValue();
        agentKey = node.node().core().keys().authenticate(agentToken);
        adminKey = node.node().core().keys().authenticate(org.adminKey());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void memberKey_asksAboutItself_byUserId_withAnExplanation() {
        OrgDecisions.CheckResult result = decisions.in(agentKey, org.id())
                .check(new CheckRequest(MemberRef.userId("u-agent"), "canViewRoomDetails", "room", room, true));
        assertThat(result.allowed()).isTrue();
        assertThat(result.memberId()).isEqualTo(agent);
        assertThat(result.explanation().path()).isEqualTo(Decision.Path.RESOURCE_ROLE);
        assertThat(result.revision()).isPositive();
    }

    @Test
    void memberKey_withoutMemberManagement_mayNotAskAboutOthers() {
        OrgDecisions asking = decisions.in(agentKey, org.id());
        assertThatThrownBy(() -> asking.check(new CheckRequest(MemberRef.id(admin), "canCreateRooms", null, null,
                false))).isInstanceOfSatisfying(ForbiddenException.class,
                        e -> assertThat(e.code()).isEqualTo("permission_required"));
        assertThatThrownBy(asking::aboutOthers).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> asking.lookupMembers("canCreateRooms", null, null, null, 10))
                .isInstanceOf(ForbiddenException.class);
    }

    @Test
    void memberManager_asksAboutOthers_andLooksUpMembers() {
        OrgDecisions asking = decisions.in(adminKey, org.id()).aboutOthers();
        assertThat(asking.check(new CheckRequest(MemberRef.id(agent), "canCreateRooms", null, null, false)).allowed())
                .isTrue();
        assertThat(asking.lookupMembers("canViewRoomDetails", "room", room, null, 10).members())
                .extracting(m -> m.id()).contains(agent);
    }

    @Test
    void memberKey_ofAnotherOrganization_findsNoOrganization_beforeAnythingIsAsked() {
        assertThatThrownBy(() -> decisions.in(agentKey, other.id()))
                .isInstanceOfSatisfying(NotFoundException.class,
                        e -> assertThat(e.code()).isEqualTo("organization_not_found"));
    }

    @Test
    void checkAll_answersEachCheckAlone_andAnUnknownMemberIsAFailureAboutItsReference() {
        MemberRef nobody = MemberRef.userId("u-nobody");
        OrgDecisions.BatchResult batch = decisions.in(new Principal.Service("test"), org.id()).checkAll(List.of(
                new CheckRequest(MemberRef.id(agent), "canCreateRooms", null, null, false),
                new CheckRequest(nobody, "canCreateRooms", null, null, false)));
        assertThat(batch.items().get(0).result().allowed()).isTrue();
        GatehouseException failure = batch.items().get(1).failure();
        assertThat(failure.code()).isEqualTo("member_not_found");
        assertThat(failure.subject(MemberRef.class)).contains(nobody);
    }

    /** The replica answers so too: the organization is what is missing, not a member of it. */
    @Test
    void aMemberOfAnOrganizationThatDoesNotExist_isAnUnknownOrganization() {
        OrgDecisions asking = decisions.in(new Principal.Service("test"), 987_654_321L);
        for (MemberRef ref : List.of(MemberRef.id(agent), MemberRef.userId("u-nobody"))) {
            assertThatThrownBy(() -> asking.check(new CheckRequest(ref, "canCreateRooms", null, null, false)))
                    .isInstanceOfSatisfying(NotFoundException.class,
                            e -> assertThat(e.code()).as("%s", ref).isEqualTo("organization_not_found"));
        }
    }

    @Test
    void engineState_needsAServiceKey() {
        assertThatThrownBy(() -> decisions.engineState(agentKey)).isInstanceOf(ForbiddenException.class);
        DecisionService.EngineState state = decisions.engineState(new Principal.Service("test"));
        assertThat(state.organizations()).isGreaterThanOrEqualTo(2);
        assertThat(state.digest()).matches("[0-9a-f]{64}");
    }
}
