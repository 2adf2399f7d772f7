package dev.gatehouse.assignment;

import dev.gatehouse.store.Store;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.OrgRowLock;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import dev.gatehouse.testing.WriteLanes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Room roles put by requests of many organizations that wait for a write lane together run as one joint run
 * ({@link JointPuts}): one statement per read and one upsert for all of them, in the batch's one transaction —
 * and every put answers exactly as it would alone: the same refusals (which change nothing), the same rows, one
 * change record each, gapless revisions. A run that fails as a whole runs its puts one by one.
 */
class JointPutsIT {

    static TestNode node;
    static Fixtures fx;
    static Jdbi db;
    static Store store;

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl());
        fx = new Fixtures(node);
        db = TestDatabase.jdbi(node.databaseUrl());
        store = node.node().core().store();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** One organization of the rooms model with a room, two roles, a member holding one of them there, and others. */
    record Room(Fixtures.Org org, String room, long agent, long viewer, long holder, long newcomer, long external,
                Http memberKey) {

        static Room create() {
            Fixtures.Org org = fx.org("rooms");
            long agent = fx.role(org, "Agent", List.of("canCreateRooms", "canViewRoomDetails"));
            long viewer = fx.role(org, "Viewer", List.of("canViewRoomDetails"));
            long owner = fx.member(org, "owner", agent);
            long holder = fx.member(org, "holder", agent);
            long newcomer = fx.member(org, "newcomer", agent);
            long external = fx.external(org, "outsider");
            String room = fx.room(org, "Deal", owner, agent);
            fx.assign(org, room, holder, agent);
            return new Room(org, room, agent, viewer, holder, newcomer, external, fx.keyFor(org, holder));
        }

        String path(Object member) {
            return path(room, member);
        }

        String path(String roomId, Object member) {
            return org.path() + "/resources/room/" + roomId + "/assignments/" + member;
        }

        Http.Res put(Object member, long role) {
            return node.service().put(path(member), Map.of("role_id", role));
        }
    }

    @Test
    void putsOfManyOrganizationsWaitingTogether_runAsOne_andEachAnswersAsItWouldAlone() {
        String future = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Supplier<Http.Res>> puts = new LinkedHashMap<>();
        List<Room> rooms = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rooms.add(Room.create());
        }
        puts.put("a new role", () -> rooms.get(0).put(rooms.get(0).newcomer(), rooms.get(0).viewer()));
        puts.put("a role replaced", () -> rooms.get(1).put(rooms.get(1).holder(), rooms.get(1).viewer()));
        puts.put("the role held already", () -> rooms.get(2).put(rooms.get(2).holder(), rooms.get(2).agent()));
        puts.put("a role with an end", () -> node.service().put(rooms.get(3).path(rooms.get(3).newcomer()),
                Map.of("role_id", rooms.get(3).viewer(), "expires_at", future)));
        puts.put("a room that does not exist", () -> node.service().put(rooms.get(4).path("999999",
                rooms.get(4).newcomer()), Map.of("role_id", rooms.get(4).viewer())));
        puts.put("a role that does not exist", () -> rooms.get(5).put(rooms.get(5).newcomer(), 999_999));
        puts.put("a member that does not exist", () -> rooms.get(6).put("nobody", rooms.get(6).viewer()));
        puts.put("an internal role for an external member", () -> rooms.get(7).put(rooms.get(7).external(),
                rooms.get(7).viewer()));
        puts.put("a member key without the room permission", () -> rooms.get(8).memberKey()
                .put(rooms.get(8).path(rooms.get(8).newcomer()), Map.of("role_id", rooms.get(8).viewer())));
        puts.put("a user id", () -> rooms.get(9).put("user:newcomer", rooms.get(9).viewer()));
        Room taken = Room.create();
        long editor = fx.role(taken.org(), "Editor", List.of("canEditAnyRoomRole", "canViewRoomDetails"));
        long editorMember = fx.member(taken.org(), "editor", editor);
        fx.assign(taken.org(), taken.room(), editorMember, editor);
        Http editorKey = fx.keyFor(taken.org(), editorMember);
        puts.put("a member key taking away a role granting more than its own", () -> editorKey
                .put(taken.path(taken.holder()), Map.of("role_id", taken.viewer())));
        Room outsiders = Room.create();
        Http outsiderKey = inviter(outsiders);
        long invitee = fx.role(outsiders.org(), Map.of("name", "Invitee", "permissions", List.of(), "external", true));
        long seller = fx.role(outsiders.org(), Map.of("name", "Seller", "permissions", List.of(), "external", true));
        Http.Res invitation = outsiderKey.post("/restapi/v2/accounts/" + outsiders.org().accountId() + "/rooms/"
                + outsiders.room() + "/users", Map.of("email", "invited@r.test", "firstName", "In", "lastName", "Vited",
                "roleId", invitee));
        assertThat(invitation.status()).as("%s", invitation).isEqualTo(201);
        long invited = invitation.get("userId").longValue();
        puts.put("an outsider changing a participant it invited", () -> outsiderKey.put(outsiders.path(invited),
                Map.of("role_id", seller)));
        Room unseen = Room.create();
        Http unseenKey = inviter(unseen);
        long unseenRole = fx.role(unseen.org(), Map.of("name", "Seller", "permissions", List.of(), "external", true));
        puts.put("an outsider naming a member it cannot see", () -> unseenKey.put(unseen.path(unseen.newcomer()),
                Map.of("role_id", unseenRole)));
        Room blocked = Room.create();

        Map<String, Http.Res> answers = new LinkedHashMap<>();
        List<String> statements = Statements.of(node, () -> {
            Map<String, CompletableFuture<Http.Res>> queued = new LinkedHashMap<>();
            try (OrgRowLock lock = WriteLanes.occupy(node, blocked.org().id(),
                    n -> fx.role(blocked.org(), "Blocker " + n, List.of()))) {
                puts.forEach((what, put) -> queued.put(what, WriteLanes.queue(store, put)));
                lock.release();
            }
            queued.forEach((what, answer) -> answers.put(what, answer.join()));
        });
        String all = String.join("\n", statements);

        // the run's reads and its write, one statement each for all ten puts
        assertThat(count(statements, "FROM rooms WHERE org_id = k.org_id")).as(all).isEqualTo(1);
        assertThat(count(statements, "FROM members WHERE org_id = k.org_id")).as(all).isEqualTo(1);
        assertThat(count(statements, "FROM assignments WHERE org_id = k.org_id")).as(all).isEqualTo(1);
        assertThat(count(statements, "INSERT INTO assignments")).as(all).isEqualTo(1);
        // (a role with an end asks whether its member owns the room, as alone: "SELECT 1 FROM rooms …")
        assertThat(statements.stream().filter(s -> s.matches("SELECT (?!1 ).* FROM (rooms|members) WHERE org_id = :org .*")))
                .as("no room or member read one by one\n" + all).isEmpty();

        // every refusal is the one the put gets alone, and it changed nothing
        for (String refused : List.of("a room that does not exist", "a role that does not exist",
                "a member that does not exist", "an internal role for an external member",
                "a member key without the room permission",
                "a member key taking away a role granting more than its own",
                "an outsider naming a member it cannot see")) {
            Http.Res joint = answers.get(refused);
            Http.Res alone = puts.get(refused).get();
            assertThat(joint.status()).as(refused + ": " + joint).isBetween(400, 499).isEqualTo(alone.status());
            assertThat(joint.json()).as(refused).isEqualTo(alone.json());
        }
        assertThat(answers.get("a room that does not exist").status()).isEqualTo(404);
        assertThat(answers.get("a member key without the room permission").status()).isEqualTo(403);
        assertThat(answers.get("a member key taking away a role granting more than its own").get("code")
                .stringValue()).isEqualTo("privilege_escalation");
        assertThat(answers.get("an outsider naming a member it cannot see").get("code").stringValue())
                .isEqualTo("member_not_found");
        Http.Res changed = answers.get("an outsider changing a participant it invited");
        assertThat(changed.status()).as("a participant is named as its room's listing shows it: %s", changed)
                .isEqualTo(200);
        assertThat(node.service().get(outsiders.path(invited)).get("role_id").longValue()).isEqualTo(seller);

        // every success stored what it answered, each recorded once, in one transaction, with gapless revisions
        List<Long> revisions = new ArrayList<>();
        for (String done : List.of("a new role", "a role replaced", "a role with an end", "a user id")) {
            Http.Res answer = answers.get(done);
            assertThat(answer.status()).as(done + ": " + answer).isEqualTo(200);
            Room room = rooms.get(List.copyOf(puts.keySet()).indexOf(done));
            Http.Res stored = node.service().get(room.path(answer.json().get("member_id").longValue()));
            assertThat(stored.json()).as(done).isEqualTo(answer.json());
            revisions.add(answer.revision());
        }
        assertThat(answers.get("a role with an end").json().get("expires_at").stringValue()).isEqualTo(future);
        assertThat(revisions).doesNotHaveDuplicates();
        long transactions = db.withHandle(h -> h.createQuery("SELECT count(DISTINCT CAST(xmin AS text)) "
                + "FROM change_log WHERE revision = ANY(:revisions)").bind("revisions", revisions.toArray(new Long[0]))
                .mapTo(Long.class).one());
        assertThat(transactions).isEqualTo(1);
        List<String> actions = db.withHandle(h -> h.createQuery("SELECT action FROM change_log "
                + "WHERE revision = ANY(:revisions) ORDER BY revision").bind("revisions", revisions.toArray(new Long[0]))
                .mapTo(String.class).list());
        assertThat(actions).containsExactly("created", "updated", "created", "created");
        Http.Res unchanged = answers.get("the role held already");
        assertThat(unchanged.status()).isEqualTo(200);
        assertThat(unchanged.json().get("role_id").longValue()).isEqualTo(rooms.get(2).agent());
        long recorded = db.withHandle(h -> h.createQuery("SELECT count(*) FROM change_log WHERE org_id = :org "
                + "AND object_type = 'assignment' AND object_id = :object").bind("org", rooms.get(2).org().id())
                .bind("object", "room/" + rooms.get(2).room() + "/" + rooms.get(2).holder()).mapTo(Long.class).one());
        assertThat(recorded).as("a put that changes nothing records nothing: the fixture's record only").isEqualTo(1);
        List<Long> log = db.withHandle(h -> h.createQuery("SELECT revision FROM change_log ORDER BY revision")
                .mapTo(Long.class).list());
        assertThat(log.get(log.size() - 1) - log.get(0) + 1).as("gapless revisions").isEqualTo(log.size());
    }

    /**
     * A key of {@code room}'s outsider, which holds in the room an external role that may invite users and change the
     * role of those it invited.
     */
    private static Http inviter(Room room) {
        long inviter = fx.role(room.org(), Map.of("name", "Inviter", "permissions", List.of("canViewRoomDetails",
                "canAddUsersToRooms", "canEditInvitedRoomRole"), "external", true));
        fx.assign(room.org(), room.room(), room.external(), inviter);
        return fx.keyFor(room.org(), room.external());
    }

    @Test
    void aJointRunThatFailsAsAWhole_runsItsPutsOneByOne() {
        List<Room> rooms = List.of(Room.create(), Room.create(), Room.create());
        Room blocked = Room.create();
        long refusedRole = rooms.get(1).viewer();
        db.useHandle(h -> h.execute("CREATE FUNCTION refuse_role() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22023'; END $$"));
        db.useHandle(h -> h.execute("CREATE TRIGGER refuse_role BEFORE INSERT OR UPDATE ON assignments FOR EACH ROW "
                + "WHEN (NEW.role_id = " + refusedRole + ") EXECUTE FUNCTION refuse_role()"));
        List<CompletableFuture<Http.Res>> queued = new ArrayList<>();
        try {
            try (OrgRowLock lock = WriteLanes.occupy(node, blocked.org().id(),
                    n -> fx.role(blocked.org(), "Blocker " + n, List.of()))) {
                for (Room room : rooms) {
                    queued.add(WriteLanes.queue(store, () -> room.put(room.newcomer(), room.viewer())));
                }
                lock.release();
            }
            List<Http.Res> answers = queued.stream().map(CompletableFuture::join).toList();
            assertThat(answers.get(0).status()).as(answers.get(0).toString()).isEqualTo(200);
            assertThat(answers.get(1).status()).as(answers.get(1).toString()).isEqualTo(400);
            assertThat(answers.get(2).status()).as(answers.get(2).toString()).isEqualTo(200);
            assertThat(node.service().get(rooms.get(1).path(rooms.get(1).newcomer())).status()).isEqualTo(404);
            assertThat(node.service().get(rooms.get(2).path(rooms.get(2).newcomer())).json().get("role_id")
                    .longValue()).isEqualTo(rooms.get(2).viewer());
        } finally {
            db.useHandle(h -> h.execute("DROP TRIGGER refuse_role ON assignments"));
            db.useHandle(h -> h.execute("DROP FUNCTION refuse_role()"));
        }
    }

    private static long count(List<String> statements, String part) {
        return statements.stream().filter(s -> s.contains(part)).count();
    }
}
