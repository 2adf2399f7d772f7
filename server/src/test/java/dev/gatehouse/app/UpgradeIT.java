package dev.gatehouse.app;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling upgrade (docs/deployment.md, "Upgrading"): nodes of a previous build keep running against the migrated
 * schema and delete as that build did, relying on the foreign keys it knew (the deletions are run here as raw SQL,
 * the statements of that build's stores). A deletion of theirs leaves nothing behind, and a start on rows of an
 * organization that does not exist — however they came to be — neither fails nor hands them to a replica.
 */
class UpgradeIT {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private TestNode node;
    private Fixtures fx;
    private Jdbi database;

    @BeforeEach
    void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl());
        fx = new Fixtures(node);
        database = TestDatabase.jdbi(node.databaseUrl());
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /**
     * An organization deleted as the builds before V17_2 delete it ({@code OrgStore.delete}: its assignments, then its
     * row, the members following by the foreign key V17_2 dropped) leaves none of its members, assignments, keys or
     * grants behind, and another organization loses nothing; the nodes start again.
     */
    @Test
    void organizationDeletedByAPreviousBuild_leavesNoMemberOrAssignmentBehind() {
        Fixtures.Populated gone = fx.populated();
        Fixtures.Populated kept = fx.populated();
        Map<String, Long> keptBefore = rows(kept.org().id());
        assertThat(rows(gone.org().id())).as("the organization's rows before").allSatisfy((table, count) ->
                assertThat(count).as(table).isPositive());

        database.useTransaction(h -> {
            h.execute("DELETE FROM assignments WHERE org_id = ?", gone.org().id());
            h.execute("DELETE FROM organizations WHERE id = ?", gone.org().id());
        });

        assertThat(rows(gone.org().id())).as("what the deletion left").allSatisfy((table, count) ->
                assertThat(count).as(table).isZero());
        assertThat(rows(kept.org().id())).isEqualTo(keptBefore);
        node.restart();
        assertThat(snapshotOrgIds()).contains(kept.org().id()).doesNotContain(gone.org().id());
    }

    /**
     * A member deleted as the builds before V16_3 delete it ({@code MemberStore.delete}: its row, its assignments
     * following by the foreign key V16_3 dropped) leaves none of its assignments behind.
     */
    @Test
    void memberDeletedByAPreviousBuild_leavesNoAssignmentBehind() {
        Fixtures.Populated org = fx.populated();
        assertThat(assignments(org.member())).isPositive();
        long others = database.withHandle(h -> h.createQuery("SELECT count(*) FROM assignments WHERE org_id = :org "
                + "AND member_id <> :member").bind("org", org.org().id()).bind("member", org.member())
                .mapTo(Long.class).one());

        database.useHandle(h -> h.execute("DELETE FROM members WHERE id = ?", org.member()));

        assertThat(assignments(org.member())).isZero();
        assertThat(rows(org.org().id()).get("assignments")).isEqualTo(others).isPositive();
    }

    /**
     * Rows of an organization whose row is gone without them (the old deletion with every trigger and foreign key
     * off: roles, members, resources, assignments, keys all left) are not loaded: the node starts — it once stopped
     * on "organization … not found", exit 2, and so did every node after it — and its snapshot holds no operation
     * of that organization, which a replica could not apply.
     */
    @Test
    void rowsOfAMissingOrganization_doNotStopAStart_norReachTheSnapshot() {
        Fixtures.Populated gone = fx.populated();
        Fixtures.Populated kept = fx.populated();
        database.useTransaction(h -> {
            h.execute("SET LOCAL session_replication_role = replica");
            h.execute("DELETE FROM assignments WHERE org_id = ?", gone.org().id());
            h.execute("DELETE FROM organizations WHERE id = ?", gone.org().id());
        });
        assertThat(rows(gone.org().id()).get("members")).as("left behind").isPositive();
        assertThat(rows(gone.org().id()).get("roles")).as("left behind").isPositive();

        node.restart();

        assertThat(snapshotOrgIds()).contains(kept.org().id()).doesNotContain(gone.org().id());
        assertThat(node.service().get("/v1/snapshot?org=" + gone.org().id()).status()).isEqualTo(404);
        assertThat(node.service().get(kept.org().path() + "/members").status()).isEqualTo(200);
    }

    /** The organization id of every operation in the snapshot of every organization. */
    /**
     * A room a previous build imported as {@code closed} (before V20_2 every status was stored as given; now every room
     * is active and an import line of another status is refused) dropped out of the rooms listed (its owner's too),
     * and the organization's export carried a line no import takes. V20_2 makes it active: listed, exported as one.
     */
    @Test
    void roomImportedClosedByAPreviousBuild_isActiveAfterTheMigration() {
        Fixtures.Populated org = fx.populated();
        int room = Integer.parseInt(org.params().get("id"));
        database.useTransaction(h -> {
            h.execute("UPDATE rooms SET status = 'closed' WHERE id = ?", room);
            // as before the migration ran, and those after it, undone so that they run again in order
            h.execute("DROP TABLE import_origin_objects");
            h.execute("ALTER TABLE gatehouse_nodes DROP COLUMN previous_service_key_fingerprint");
            h.execute("DROP TRIGGER roles_renamed_without_name_key ON roles");
            h.execute("DROP TRIGGER groups_renamed_without_name_key ON groups");
            h.execute("DROP FUNCTION renamed_without_name_key()");
            h.execute("ALTER TABLE roles DROP COLUMN name_key");
            h.execute("ALTER TABLE groups DROP COLUMN name_key");
            h.execute("DELETE FROM flyway_schema_history WHERE version IN ('20.2', '20.3', '21.1', '21.2', '21.3', "
                    + "'21.4', '21.5')");
        });
        assertThat(listedRooms(org)).as("before the migration").doesNotContain(room);

        node.restart();

        assertThat(listedRooms(org)).contains(room);
        Http.Res export = node.service().get(org.org().path() + "/export");
        assertThat(export.status()).isEqualTo(200);
        JsonNode line = export.body().lines().map(MAPPER::readTree)
                .filter(l -> l.get("type").stringValue().equals("room") && l.get("id").intValue() == room)
                .findFirst().orElseThrow();
        assertThat(line.get("status").stringValue()).isEqualTo("active");
    }

    /**
     * Role and group names stored before V21_2, which lower() told apart but full case folding makes one ({@code Straße}
     * and {@code STRASSE}), both stay: V21_3 gives the oldest its name's key and the other none. Neither name can be
     * taken again, nor can a name equal to one a previous build stored during a rolling upgrade (no key); renaming the
     * keyless row gives it its new name's key.
     */
    @Test
    void namesEqualByFullCaseFolding_storedBeforeTheMigration_bothStay_andNeitherIsGivenAgain() {
        Fixtures.Org org = fx.org("close");
        long older = fx.role(org, "Stra\u00dfe", List.of("view_all_leads"));
        long newer = fx.role(org, "Kunde", List.of("view_all_leads"));
        long olderGroup = group(org, "\u039f\u0394\u039f\u03a3");
        long newerGroup = group(org, "Support");
        database.useTransaction(h -> {
            // as before the migration ran, and those after it, undone so that they run again in order
            h.execute("DROP TRIGGER roles_renamed_without_name_key ON roles");
            h.execute("DROP TRIGGER groups_renamed_without_name_key ON groups");
            h.execute("DROP FUNCTION renamed_without_name_key()");
            h.execute("ALTER TABLE roles DROP COLUMN name_key");
            h.execute("ALTER TABLE groups DROP COLUMN name_key");
            h.execute("DELETE FROM flyway_schema_history WHERE version IN ('21.2', '21.3', '21.4', '21.5')");
            h.execute("UPDATE roles SET name = 'STRASSE' WHERE id = ?", newer);
            h.execute("UPDATE groups SET name = '\u03bf\u03b4\u03bf\u03c2' WHERE id = ?", newerGroup);
        });

        node.restart();

        assertThat(nameKey("roles", older)).isEqualTo("strasse");
        assertThat(nameKey("roles", newer)).isNull();
        assertThat(nameKey("groups", olderGroup)).isEqualTo("\u03bf\u03b4\u03bf\u03c3");
        assertThat(nameKey("groups", newerGroup)).isNull();
        assertThat(node.service().get(org.path() + "/roles/" + newer).get("name").stringValue()).isEqualTo("STRASSE");
        Http.Res role = node.service().post(org.path() + "/roles", Map.of("name", "strasse", "permissions",
                List.of("view_all_leads")));
        assertThat(role.status()).as("%s", role).isEqualTo(409);
        assertThat(role.get("code").stringValue()).isEqualTo("role_name_taken");
        Http.Res group = node.service().post(org.path() + "/groups", Map.of("name", "\u039f\u0394\u039f\u03c3"));
        assertThat(group.status()).as("%s", group).isEqualTo(409);
        assertThat(group.get("code").stringValue()).isEqualTo("group_name_taken");

        // a role a previous build wrote during a rolling upgrade: no key
        long previous = fx.role(org, "Gast", List.of("view_all_leads"));
        database.useHandle(h -> h.execute("UPDATE roles SET name = 'Gro\u00df', name_key = NULL WHERE id = ?",
                previous));
        Http.Res again = node.service().post(org.path() + "/roles", Map.of("name", "GROSS", "permissions",
                List.of("view_all_leads")));
        assertThat(again.status()).as("%s", again).isEqualTo(409);
        assertThat(again.get("detail").stringValue()).contains("(id " + previous + ")");

        Http.Res renamed = node.service().patch(org.path() + "/roles/" + newer, Map.of("name", "Kunde"));
        assertThat(renamed.status()).as("%s", renamed).isEqualTo(200);
        assertThat(nameKey("roles", newer)).isEqualTo("kunde");
    }

    /**
     * A previous build renames a role or group by its name alone (it knows no {@code name_key}): the key of the old
     * name does not stay behind (V21_4), which kept the old name from every other role or group for good. The renamed
     * row is keyless, as the rows such a build creates, and still keeps its new name from others; a current node's
     * rename gives it its key again, and a change of its own case keeps it.
     */
    @Test
    void renameByAPreviousBuild_leavesNoKeyOfTheOldNameBehind() {
        Fixtures.Org org = fx.org("close");
        long role = fx.role(org, "Alt", List.of("view_all_leads"));
        long group = group(org, "Team");
        database.useHandle(h -> {
            h.execute("UPDATE roles SET name = 'Neu', updated_at = now() WHERE id = ?", role);
            h.execute("UPDATE groups SET name = 'Crew', updated_at = now() WHERE id = ?", group);
        });
        assertThat(nameKey("roles", role)).isNull();
        assertThat(nameKey("groups", group)).isNull();

        Http.Res oldRoleName = node.service().post(org.path() + "/roles", Map.of("name", "ALT", "permissions",
                List.of("view_all_leads")));
        assertThat(oldRoleName.status()).as("%s", oldRoleName).isEqualTo(201);
        Http.Res oldGroupName = node.service().post(org.path() + "/groups", Map.of("name", "team"));
        assertThat(oldGroupName.status()).as("%s", oldGroupName).isEqualTo(201);
        Http.Res newRoleName = node.service().post(org.path() + "/roles", Map.of("name", "NEU", "permissions",
                List.of("view_all_leads")));
        assertThat(newRoleName.status()).as("%s", newRoleName).isEqualTo(409);
        assertThat(newRoleName.get("detail").stringValue()).contains("(id " + role + ")");
        Http.Res newGroupName = node.service().post(org.path() + "/groups", Map.of("name", "CREW"));
        assertThat(newGroupName.status()).as("%s", newGroupName).isEqualTo(409);
        assertThat(newGroupName.get("detail").stringValue()).contains("(id " + group + ")");

        assertThat(node.service().patch(org.path() + "/roles/" + role, Map.of("name", "Neuer")).status())
                .isEqualTo(200);
        assertThat(nameKey("roles", role)).isEqualTo("neuer");
        assertThat(node.service().patch(org.path() + "/roles/" + role, Map.of("name", "NEUER")).status())
                .isEqualTo(200);
        assertThat(nameKey("roles", role)).as("a change of its own case keeps the key").isEqualTo("neuer");
        assertThat(node.service().patch(org.path() + "/groups/" + group, Map.of("name", "CREW")).status())
                .isEqualTo(200);
        assertThat(nameKey("groups", group)).isEqualTo("crew");
    }

    /**
     * A rename by a previous build before V21_4 left the key of the old name on the renamed row: V21_5 clears every
     * key that is not its name's, and the old name is free again.
     */
    @Test
    void keyOfAnOldName_aPreviousBuildsRenameLeftBehind_isClearedByTheMigration() {
        Fixtures.Org org = fx.org("close");
        long role = fx.role(org, "Alt", List.of("view_all_leads"));
        long kept = fx.role(org, "Kept", List.of("view_all_leads"));
        long group = group(org, "Team");
        database.useTransaction(h -> {
            // as before V21_4 and V21_5 ran, undone so that they run again
            h.execute("DROP TRIGGER roles_renamed_without_name_key ON roles");
            h.execute("DROP TRIGGER groups_renamed_without_name_key ON groups");
            h.execute("DROP FUNCTION renamed_without_name_key()");
            h.execute("DELETE FROM flyway_schema_history WHERE version IN ('21.4', '21.5')");
            h.execute("UPDATE roles SET name = 'Neu' WHERE id = ?", role);
            h.execute("UPDATE groups SET name = 'Crew' WHERE id = ?", group);
        });
        assertThat(nameKey("roles", role)).as("before the migration").isEqualTo("alt");

        node.restart();

        assertThat(nameKey("roles", role)).isNull();
        assertThat(nameKey("groups", group)).isNull();
        assertThat(nameKey("roles", kept)).isEqualTo("kept");
        Http.Res oldRoleName = node.service().post(org.path() + "/roles", Map.of("name", "ALT", "permissions",
                List.of("view_all_leads")));
        assertThat(oldRoleName.status()).as("%s", oldRoleName).isEqualTo(201);
        Http.Res oldGroupName = node.service().post(org.path() + "/groups", Map.of("name", "team"));
        assertThat(oldGroupName.status()).as("%s", oldGroupName).isEqualTo(201);
    }

    private long group(Fixtures.Org org, String name) {
        Http.Res res = node.service().post(org.path() + "/groups", Map.of("name", name));
        assertThat(res.status()).as("%s", res).isEqualTo(201);
        return res.get("id").longValue();
    }

    /** The key stored beside a role's or group's name (V21_2), or null. */
    private String nameKey(String table, long id) {
        return database.withHandle(h -> h.createQuery("SELECT name_key FROM " + table + " WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
    }

    /** The rooms the Rooms dialect lists by default (active ones) to the service key, which sees every room. */
    private List<Integer> listedRooms(Fixtures.Populated org) {
        Http.Res rooms = node.service().get("/restapi/v2/accounts/" + org.org().accountId() + "/rooms");
        assertThat(rooms.status()).as(rooms.toString()).isEqualTo(200);
        return rooms.json().get("rooms").valueStream().map(r -> r.get("roomId").intValue()).toList();
    }

    private List<Long> snapshotOrgIds() {
        Http.Res snapshot = node.service().get("/v1/snapshot");
        assertThat(snapshot.status()).as(snapshot.toString()).isEqualTo(200);
        return snapshot.body().lines().map(MAPPER::readTree)
                .filter(line -> line.get("type").stringValue().equals("op"))
                .map(line -> line.get("op").get("org_id"))
                .map(JsonNode::longValue)
                .distinct().toList();
    }

    private long assignments(long memberId) {
        return database.withHandle(h -> h.createQuery("SELECT count(*) FROM assignments WHERE member_id = :member")
                .bind("member", memberId).mapTo(Long.class).one());
    }

    /** The organization's rows in each table a member's rows live in. */
    private Map<String, Long> rows(long orgId) {
        return database.withHandle(h -> Map.of("roles", count(h, "roles", orgId), "members", count(h, "members", orgId),
                "assignments", count(h, "assignments", orgId), "api_keys", count(h, "api_keys", orgId)));
    }

    private static long count(Handle h, String table, long orgId) {
        return h.createQuery("SELECT count(*) FROM " + table + " WHERE org_id = :org").bind("org", orgId)
                .mapTo(Long.class).one();
    }
}
