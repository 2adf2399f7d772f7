package dev.gatehouse.room;

import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineBuilder;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.SystemRole;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in {@code rooms_v5} model as the decision engine reads it: the fixed roles, ClassicManagerPermissions'
 * flags as grants bounded to Managers, and a Manager's reach following its role on offices, regions or the company
 * through the hierarchy company > region > office > room, as {@code ClassicHierarchy} and {@code ClassicReach}
 * write it.
 */
class ClassicModelTest {

    static final PermissionModel MODEL = ModelRegistry.builtIn("rooms_v5");
    static final long ORG = 1;
    static final long ADMIN = 10;
    static final long MANAGER = 11;
    static final long AGENT = 12;
    static final long ANN = 100;
    static final long OLGA = 101;
    static final long RITA = 102;
    static final long CARL = 103;
    static final long ADA = 104;
    static final long BO = 105;

    DecisionEngine engine;

    static List<String> permissions(String key) {
        return MODEL.systemRoles().stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow().permissions();
    }

    @BeforeEach
    void build() {
        EngineBuilder builder = DecisionEngine.builder(MODEL.catalog())
                .organization(ORG, MODEL.id())
                .systemRole(ORG, ADMIN, "admin", "Admin", permissions("admin"))
                .systemRole(ORG, MANAGER, "manager", "Manager", permissions("manager"))
                .systemRole(ORG, AGENT, "agent", "Agent", permissions("agent"))
                .member(ORG, ANN, "ann", ADMIN)
                .member(ORG, OLGA, "olga", MANAGER)
                .member(ORG, RITA, "rita", MANAGER)
                .member(ORG, CARL, "carl", MANAGER)
                .member(ORG, ADA, "ada", AGENT)
                .member(ORG, BO, "bo", AGENT)
                .resource(ORG, "company", "company", null)
                .resource(ORG, "region", "1", "company")
                .resource(ORG, "region", "2", "company")
                .resource(ORG, "office", "11", "1")
                .resource(ORG, "office", "12", "1")
                .resource(ORG, "office", "21", "2")
                .resource(ORG, "room", "101", "11")
                .resource(ORG, "room", "102", "12")
                .resource(ORG, "room", "103", "21")
                .assignment(ORG, "company", "company", ANN, ADMIN)
                .assignment(ORG, "office", "11", OLGA, MANAGER)
                .assignment(ORG, "region", "1", RITA, MANAGER)
                .assignment(ORG, "company", "company", CARL, MANAGER)
                .assignment(ORG, "room", "102", ADA, AGENT)
                .grants(ORG, OLGA, List.of("canManageCompanyMembers", "canDeleteCompanyRooms"))
                .grants(ORG, ADA, List.of("canManageCompanyMembers"));
        engine = builder.build();
    }

    private List<Boolean> onRooms(long member, String permission) {
        return List.of(engine.check(ORG, member, permission, "room", "101"),
                engine.check(ORG, member, permission, "room", "102"),
                engine.check(ORG, member, permission, "room", "103"));
    }

    @Test
    void managersReach_followsTheirRoleOnAnOfficeARegionOrTheCompany() {
        String manage = "canEditAnyRoomRole";
        assertThat(onRooms(OLGA, manage)).containsExactly(true, false, false);
        assertThat(onRooms(RITA, manage)).containsExactly(true, true, false);
        assertThat(onRooms(CARL, manage)).containsExactly(true, true, true);
        assertThat(onRooms(ANN, "canDeleteRooms")).containsExactly(true, true, true);
        Decision viaOffice = engine.explain(ORG, OLGA, manage, "room", "101");
        assertThat(viaOffice.path()).isEqualTo(Decision.Path.PARENT_RESOURCE_ROLE);
        assertThat(viaOffice.ancestor()).isEqualTo(new Decision.Resource("office", "11"));
    }

    @Test
    void agents_actOnlyInTheRoomsTheyHoldARoleIn() {
        assertThat(onRooms(ADA, "canViewRoomDetails")).containsExactly(false, true, false);
        assertThat(onRooms(BO, "canViewRoomDetails")).containsExactly(false, false, false);
        assertThat(onRooms(ADA, "canEditAnyRoomRole")).containsExactly(false, false, false);
    }

    @Test
    void classicFlags_countAsGrantsOfManagersOnly() {
        assertThat(engine.check(ORG, OLGA, "canManageCompanyMembers", null, null)).isTrue();
        assertThat(engine.explain(ORG, OLGA, "canManageCompanyMembers", null, null).path())
                .isEqualTo(Decision.Path.MEMBER_GRANT);
        assertThat(engine.check(ORG, RITA, "canManageCompanyMembers", null, null)).isFalse();
        // an agent's stored grant does not count: the model bounds grants to the manager role
        assertThat(engine.check(ORG, ADA, "canManageCompanyMembers", null, null)).isFalse();
        assertThat(engine.check(ORG, ANN, "canManageCompanyMembers", null, null)).isTrue();
    }

    @Test
    void theModel_boundsGrantsToTheThirteenFlags_andKeepsAgentWithinManager() {
        assertThat(MODEL.memberGrants().permissions()).containsExactlyElementsOf(RoomsPermissions.CLASSIC_MANAGER_FLAGS);
        assertThat(MODEL.memberGrants().roles()).containsExactly("manager");
        assertThat(MODEL.systemRoles()).extracting(SystemRole::name).containsExactly("Admin", "Manager", "Agent");
        assertThat(permissions("manager")).containsAll(permissions("agent"))
                .doesNotContain("autoAccessToRooms", "canDeleteRooms")
                .doesNotContainAnyElementsOf(RoomsPermissions.CLASSIC_MANAGER_FLAGS);
        assertThat(permissions("admin")).containsAll(RoomsPermissions.CLASSIC_MANAGER_FLAGS);
        assertThat(MODEL.management().members()).isEqualTo(RoomsPermissions.MANAGE_COMPANY_MEMBERS);
    }
}
