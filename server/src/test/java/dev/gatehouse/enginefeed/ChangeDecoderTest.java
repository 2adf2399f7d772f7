package dev.gatehouse.enginefeed;

import dev.gatehouse.assignment.Assignment;
import dev.gatehouse.assignment.LoggedAssignment;
import dev.gatehouse.assignment.LoggedImport;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.EventJson;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.Visibility;
import dev.gatehouse.json.Json;
import dev.gatehouse.grant.GrantSet;
import dev.gatehouse.grant.LoggedGrants;
import dev.gatehouse.member.LoggedMember;
import dev.gatehouse.member.Member;
import dev.gatehouse.org.LoggedOrganization;
import dev.gatehouse.org.Organization;
import dev.gatehouse.resource.LoggedResource;
import dev.gatehouse.resource.Resource;
import dev.gatehouse.role.LoggedRole;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleVisibility;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one decoder: every object type and action, written by its change-log codec, comes back as the engine
 * operations it stands for (or none); records stored before the codecs existed decode alike; a snapshot that lacks
 * what decides is refused, naming the field.
 */
class ChangeDecoderTest {

    static final long ORG = 7;
    static final Instant T = Instant.parse("2026-05-01T10:00:00.123456Z");
    static final Set<ObjectType> DECIDING = Set.of(ObjectType.ORGANIZATION, ObjectType.ROLE, ObjectType.MEMBER,
            ObjectType.ASSIGNMENT, ObjectType.RESOURCE, ObjectType.MEMBER_GRANTS, ObjectType.BULK_IMPORT);

    static final Organization ORGANIZATION = new Organization(ORG, UUID.fromString("0f0e0d0c-0b0a-4908-8706-050403020100"),
            "Acme", "close", 1, T, T);
    static final Role ROLE = new Role(12, ORG, null, "Limited", "", List.of("calling", "export"), false, false,
            new RoleVisibility(List.of("owner_id", "rep_id"), RoleVisibility.ALLOW_UNASSIGNED), 3, T, T);
    static final Member MEMBER = new Member(30, ORG, "u-30", "u30@example.com", "Ann", null, 12L, false, Member.ACTIVE,
            1, T, T);
    static final Assignment ASSIGNMENT = new Assignment(ORG, "room", "r-9", 30, 12, T, T, null);
    static final Resource RESOURCE = new Resource(ORG, "room", "r-9", "office", "o-2", T, T);
    static final GrantSet GRANTS = new GrantSet(ORG, 30, "u-30", List.of("canManageRooms", "canExport"), T, T);

    @ParameterizedTest
    @MethodSource("objectTypes")
    void objectTypes_roundTripThroughTheirStoredNames(ObjectType type) {
        assertThat(ObjectType.of(type.wire())).isSameAs(type);
        assertThat(type.known()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("actions")
    void actions_roundTripThroughTheirStoredNames(Action action) {
        assertThat(Action.of(action.wire())).isSameAs(action);
        assertThat(action.known()).isTrue();
    }

    static List<ObjectType> objectTypes() {
        return ObjectType.values();
    }

    static List<Action> actions() {
        return Action.values();
    }

    @Test
    void storedNames_areTheOnesTheEventsApiHasAlwaysShown() {
        assertThat(ObjectType.values()).extracting(ObjectType::wire).containsExactly("organization", "model", "role",
                "member", "assignment", "group", "api_key", "webhook", "room", "room_user", "rooms_profile",
                "office", "region", "close_membership_settings", "close_pinned_views", "resource",
                "member_grants", "bulk_import");
        assertThat(Action.values()).extracting(Action::wire).containsExactly("created", "updated", "deleted",
                "activated", "deactivated", "paused", "resumed", "expired", "imported");
    }

    /** A record written by a newer version keeps its names, and decodes to nothing. */
    @Test
    void namesOnlyANewerVersionKnows_areKeptAsStored_andDecideNothing() {
        ObjectType robot = ObjectType.of("robot");
        Action archived = Action.of("archived");
        assertThat(robot.known()).isFalse();
        assertThat(robot).isEqualTo(ObjectType.of("robot")).isNotIn(ObjectType.values());
        assertThat(robot.wire()).isEqualTo("robot");
        assertThat(archived.known()).isFalse();
        assertThat(archived.wire()).isEqualTo("archived");
        ChangeRecord future = new ChangeRecord(42, ORG, T, Actor.SYSTEM, robot, "r2", archived, List.of(), null,
                Json.object().put("id", 2));
        assertThat(ChangeDecoder.decode(future)).isEmpty();
        assertThat(EventJson.of(future).get("object_type").stringValue()).isEqualTo("robot");
        assertThat(EventJson.of(future).get("action").stringValue()).isEqualTo("archived");
    }

    static Stream<Arguments> everyTypeAndAction() {
        return ObjectType.values().stream()
                .flatMap(type -> Action.values().stream().map(action -> Arguments.of(type, action)));
    }

    /** Every (object type, action) a record can carry, through the type's codec and the decoder. */
    @ParameterizedTest
    @MethodSource("everyTypeAndAction")
    void everyTypeAndAction_roundTripsThroughCodecAndDecoder(ObjectType type, Action action) {
        boolean removed = action == Action.DELETED;
        JsonNode snapshot = type == ObjectType.ORGANIZATION ? LoggedOrganization.of(ORGANIZATION)
                : type == ObjectType.ROLE ? LoggedRole.of(ROLE)
                : type == ObjectType.MEMBER ? LoggedMember.of(MEMBER)
                : type == ObjectType.ASSIGNMENT ? LoggedAssignment.of(ASSIGNMENT)
                : type == ObjectType.RESOURCE ? LoggedResource.of(RESOURCE)
                : type == ObjectType.MEMBER_GRANTS ? LoggedGrants.of(GRANTS)
                : Json.object().put("id", 1).put("name", "not deciding");
        String objectId = type == ObjectType.ASSIGNMENT ? ASSIGNMENT.objectId()
                : type == ObjectType.RESOURCE ? RESOURCE.objectId() : type == ObjectType.ROLE ? "12"
                : type == ObjectType.MEMBER || type == ObjectType.MEMBER_GRANTS ? "30" : String.valueOf(ORG);
        ChangeRecord record = new ChangeRecord(42, ORG, T, Actor.SYSTEM, type, objectId, action, List.of(),
                removed ? snapshot : null, removed ? null : snapshot, null,
                type == ObjectType.BULK_IMPORT ? IMPORTED : null);

        List<EngineOp> ops = ChangeDecoder.decode(record);
        if (type == ObjectType.BULK_IMPORT) {
            assertThat(ops).containsExactly(new EngineOp.PutAssignment(ORG, "room", "r-9", 30, 12),
                    new EngineOp.PutAssignment(ORG, "room", "r \"10\"\\", 31, 13));
            return;
        }

        if (!DECIDING.contains(type)) {
            assertThat(ops).isEmpty();
            return;
        }
        EngineOp expected;
        if (type == ObjectType.ORGANIZATION) {
            expected = removed ? new EngineOp.RemoveOrganization(ORG) : new EngineOp.PutOrganization(ORG, "close");
        } else if (type == ObjectType.ROLE) {
            expected = removed ? new EngineOp.RemoveRole(ORG, 12) : new EngineOp.PutRole(ORG, 12, "Limited",
                    List.of("calling", "export"), false, new Visibility(List.of("owner_id", "rep_id"), true));
        } else if (type == ObjectType.MEMBER) {
            expected = removed ? new EngineOp.RemoveMember(ORG, 30)
                    : new EngineOp.PutMember(ORG, 30, "u-30", 12, false, true);
        } else if (type == ObjectType.MEMBER_GRANTS) {
            expected = new EngineOp.PutGrants(ORG, 30, removed ? List.of() : List.of("canManageRooms", "canExport"));
        } else if (type == ObjectType.RESOURCE) {
            expected = removed ? new EngineOp.RemoveResource(ORG, "room", "r-9")
                    : new EngineOp.PutResource(ORG, "room", "r-9", "o-2");
        } else {
            expected = removed ? new EngineOp.RemoveAssignment(ORG, "room", "r-9", 30)
                    : new EngineOp.PutAssignment(ORG, "room", "r-9", 30, 12);
        }
        assertThat(ops).containsExactly(expected);
    }

    /** The objects of a bulk import's record: one assignment created, one updated (its role and its end). */
    static final String IMPORTED = imported();

    private static String imported() {
        LoggedImport.Writer writer = new LoggedImport.Writer();
        writer.add(null, ASSIGNMENT);
        Assignment was = new Assignment(ORG, "room", "r \"10\"\\", 31, 12, T.minusSeconds(60), T.minusSeconds(60),
                T.plusSeconds(3600));
        writer.add(was, new Assignment(ORG, "room", "r \"10\"\\", 31, 13, was.createdAt(), T, null));
        return writer.objects();
    }

    /** The events API rebuilds each object of a bulk import's record as a record of its own would show it. */
    @Test
    void aBulkImportsObjects_readBackAsTheAssignmentsSnapshots() {
        List<ObjectNode> events = LoggedImport.events(ORG, T, IMPORTED, 0, 10);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("action").stringValue()).isEqualTo("created");
        assertThat(events.get(0).get("before").isNull()).isTrue();
        assertThat(events.get(0).get("after")).isEqualTo(LoggedAssignment.of(ASSIGNMENT));
        assertThat(events.get(1).get("action").stringValue()).isEqualTo("updated");
        assertThat(events.get(1).get("object_id").stringValue()).isEqualTo("room/r \"10\"\\/31");
        assertThat(events.get(1).get("before").get("role_id").longValue()).isEqualTo(12);
        assertThat(events.get(1).get("before").get("expires_at").stringValue())
                .isEqualTo(T.plusSeconds(3600).toString());
        assertThat(events.get(1).get("after").get("role_id").longValue()).isEqualTo(13);
        assertThat(events.get(1).get("after").get("created_at").stringValue())
                .isEqualTo(T.minusSeconds(60).toString());
        assertThat(events.get(1).get("after").get("expires_at").isNull()).isTrue();
        assertThat(LoggedImport.events(ORG, T, IMPORTED, 1, 10)).extracting(n -> n.get("position").longValue())
                .containsExactly(2L);
    }

    @Test
    void aBulkImportWithoutItsObjects_orWithBrokenOnes_isRefused() {
        ChangeRecord missing = new ChangeRecord(42, ORG, T, Actor.SYSTEM, ObjectType.BULK_IMPORT, "1-2",
                Action.IMPORTED, List.of(), null, Json.object(), null, null);
        assertThatThrownBy(() -> ChangeDecoder.decode(missing))
                .isInstanceOfSatisfying(UndecodableChangeException.class, e -> assertThat(e.field()).isEqualTo("objects"));
        ChangeRecord broken = new ChangeRecord(42, ORG, T, Actor.SYSTEM, ObjectType.BULK_IMPORT, "1-2",
                Action.IMPORTED, List.of(), null, Json.object(), null, "[[\"room\", \"r1\", \"30\", 12]]");
        assertThatThrownBy(() -> ChangeDecoder.decode(broken))
                .isInstanceOfSatisfying(UndecodableChangeException.class, e -> {
                    assertThat(e.field()).isEqualTo("objects");
                    assertThat(e.getMessage()).contains("[0] member_id is not an integer");
                });
    }

    @Test
    void externalAndDeactivatedMembers_andRolesThatSeeEverything() {
        Member external = new Member(31, ORG, "x-31", "x@example.com", null, null, null, true, Member.DEACTIVATED, 2,
                T, T);
        Role seesAll = new Role(13, ORG, "admin", "Admin", "", List.of("calling"), false, true, null, 1, T, T);
        assertThat(ChangeDecoder.decode(created(ObjectType.MEMBER, "31", LoggedMember.of(external))))
                .containsExactly(new EngineOp.PutMember(ORG, 31, "x-31", 0, true, false));
        assertThat(ChangeDecoder.decode(created(ObjectType.ROLE, "13", LoggedRole.of(seesAll))))
                .containsExactly(new EngineOp.PutRole(ORG, 13, "Admin", List.of("calling"), false, null, "admin"));
    }

    /**
     * Snapshots as earlier versions stored them — written by the native API's renderers, keys in the order jsonb
     * keeps them: they decode to the same operations, so no stored row needs rewriting.
     */
    @Test
    void recordsStoredByEarlierVersions_stillDecode() {
        String role = """
                {"id": 5, "key": null, "name": "Caller", "org_id": 2, "system": false, "version": 1, "editable": true,
                 "external": false, "created_at": "2026-04-30T08:00:00Z", "updated_at": "2026-04-30T08:00:00Z",
                 "visibility": {"unassigned": "require_assignment", "user_field_ids": ["owner_id"]},
                 "description": "", "permissions": ["calling", "view_all_leads"], "default_for_admin": false}""";
        String member = """
                {"id": 9, "email": "c@example.com", "org_id": 2, "status": "active", "role_id": 5, "user_id": "caller",
                 "version": 1, "external": false, "last_name": null, "created_at": "2026-04-30T08:00:00Z",
                 "first_name": null, "updated_at": "2026-04-30T08:00:00Z"}""";
        String assignment = """
                {"org_id": 2, "role_id": 5, "resource": {"id": "r1", "type": "room"}, "member_id": 9,
                 "created_at": "2026-04-30T08:00:00Z", "updated_at": "2026-04-30T08:00:00Z"}""";
        String organization = """
                {"id": 2, "name": "Acme", "model": "close", "version": 1, "account_id": "0f0e0d0c-0b0a-4908-8706-050403020100",
                 "created_at": "2026-04-30T08:00:00Z", "updated_at": "2026-04-30T08:00:00Z"}""";

        assertThat(ChangeDecoder.decode(stored(ObjectType.ROLE, "5", role))).containsExactly(new EngineOp.PutRole(2, 5,
                "Caller", List.of("calling", "view_all_leads"), false, new Visibility(List.of("owner_id"), false)));
        assertThat(ChangeDecoder.decode(stored(ObjectType.MEMBER, "9", member)))
                .containsExactly(new EngineOp.PutMember(2, 9, "caller", 5, false, true));
        assertThat(ChangeDecoder.decode(stored(ObjectType.ASSIGNMENT, "room/r1/9", assignment)))
                .containsExactly(new EngineOp.PutAssignment(2, "room", "r1", 9, 5));
        assertThat(ChangeDecoder.decode(stored(ObjectType.ORGANIZATION, "2", organization)))
                .containsExactly(new EngineOp.PutOrganization(2, "close"));
    }

    @Test
    void aResourceAtTheTop_decodesWithoutAParent() {
        Resource top = new Resource(ORG, "region", "eu", null, null, T, T);
        assertThat(ChangeDecoder.decode(created(ObjectType.RESOURCE, top.objectId(), LoggedResource.of(top))))
                .containsExactly(new EngineOp.PutResource(ORG, "region", "eu", null));
        ObjectNode noId = LoggedResource.of(RESOURCE);
        noId.remove(LoggedResource.ID);
        assertThatThrownBy(() -> ChangeDecoder.decode(created(ObjectType.RESOURCE, RESOURCE.objectId(), noId)))
                .isInstanceOf(UndecodableChangeException.class).hasMessageContaining("after.id");
    }

    @Test
    void whatDecides_isReadByTheLogsNames_notTheApis() {
        ObjectNode role = LoggedRole.of(ROLE);
        role.remove(List.of("org_id", "key", "description", "system", "editable", "default_for_admin", "version",
                "created_at", "updated_at"));
        assertThat(ChangeDecoder.decode(created(ObjectType.ROLE, "12", role))).as("only the decoder's fields matter")
                .hasSize(1);
    }

    @Test
    void aSnapshotLackingWhatDecides_isRefused_namingTheField() {
        ObjectNode noExternal = LoggedRole.of(ROLE);
        noExternal.remove(LoggedRole.EXTERNAL);
        assertThatThrownBy(() -> ChangeDecoder.decode(created(ObjectType.ROLE, "12", noExternal)))
                .isInstanceOfSatisfying(UndecodableChangeException.class, e -> {
                    assertThat(e.field()).isEqualTo("after.external");
                    assertThat(e.revision()).isEqualTo(42);
                    assertThat(e.objectType()).isEqualTo(ObjectType.ROLE);
                    assertThat(e.getMessage()).contains("revision 42", "role 12", "after.external is missing");
                });

        ObjectNode halfVisibility = LoggedRole.of(ROLE);
        ((ObjectNode) halfVisibility.get(LoggedRole.VISIBILITY)).remove(LoggedRole.UNASSIGNED);
        assertThatThrownBy(() -> ChangeDecoder.decode(created(ObjectType.ROLE, "12", halfVisibility)))
                .isInstanceOfSatisfying(UndecodableChangeException.class,
                        e -> assertThat(e.field()).isEqualTo("after.visibility.unassigned"));

        ObjectNode textualId = LoggedMember.of(MEMBER).put(LoggedMember.ID, "30");
        assertThatThrownBy(() -> ChangeDecoder.decode(created(ObjectType.MEMBER, "30", textualId)))
                .isInstanceOfSatisfying(UndecodableChangeException.class,
                        e -> assertThat(e.getMessage()).contains("after.id is not an integer"));

        ObjectNode unknownStatus = LoggedMember.of(MEMBER).put(LoggedMember.STATUS, "sleeping");
        assertThatThrownBy(() -> ChangeDecoder.decode(created(ObjectType.MEMBER, "30", unknownStatus)))
                .isInstanceOfSatisfying(UndecodableChangeException.class,
                        e -> assertThat(e.field()).isEqualTo("after.status"));

        ChangeRecord removedWithoutBefore = new ChangeRecord(42, ORG, T, Actor.SYSTEM, ObjectType.ASSIGNMENT,
                ASSIGNMENT.objectId(), Action.DELETED, List.of(), null, null);
        assertThatThrownBy(() -> ChangeDecoder.decode(removedWithoutBefore))
                .isInstanceOfSatisfying(UndecodableChangeException.class, e -> assertThat(e.field()).isEqualTo("before"));
    }

    private static ChangeRecord created(ObjectType type, String objectId, JsonNode after) {
        return new ChangeRecord(42, ORG, T, Actor.SYSTEM, type, objectId, Action.CREATED, List.of(), null, after);
    }

    private static ChangeRecord stored(ObjectType type, String objectId, String after) {
        return new ChangeRecord(42, 2L, T, Actor.SYSTEM, type, objectId, Action.UPDATED, List.of(), null,
                Json.readTree(after));
    }
}
