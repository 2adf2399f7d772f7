package dev.gatehouse.assignment;

import dev.gatehouse.json.Json;
import dev.gatehouse.store.Store;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.OrgRowLock;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import dev.gatehouse.testing.WriteLanes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time-bound assignments ({@code expires_at}): the role counts on every decision path until its end, then a node
 * removes it as one {@code expired} change that every node applies — two nodes on one database answer alike —
 * and Rooms' revocations dated later ride on them. Ends are reckoned on the nodes' clock, which the test stops and
 * moves (the database's clock does not move with it); the expiry job, running every second, is what the test waits
 * for.
 */
class AssignmentExpiryIT {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final Duration HOUR = Duration.ofHours(1);
    static final Duration DAY = Duration.ofDays(1);
    static final TestClock clock = new TestClock().freeze();
    /** The clock of {@link #ahead}, moved past ends the other nodes' clock has not reached. */
    static final TestClock aheadClock = new TestClock().freeze();
    static TestNode first;
    static TestNode second;
    /** A node whose expiry job does not run, on a clock of its own: its writes meet ends no job has carried out. */
    static TestNode ahead;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        first = TestNode.startOn(TestDatabase.freshDatabaseUrl(), UnaryOperator.identity(), clock);
        second = TestNode.startOn(first.databaseUrl(), UnaryOperator.identity(), clock);
        // stopped before its clock is moved past any end: its first run would come a second after its start
        ahead = TestNode.startOn(first.databaseUrl(), UnaryOperator.identity(), aheadClock);
        ahead.node().expiry().close();
        fx = new Fixtures(first);
    }

    @AfterAll
    static void stop() {
        ahead.close();
        second.close();
        first.close();
    }

    @Test
    void aTimeBoundRole_countsUntilItsEnd_thenEndsOnEveryNode_asOneExpiredChange() {
        Fixtures.Populated w = fx.populated();
        String org = w.org().path();
        String room = w.params().get("id");
        String assignment = org + "/resources/room/" + room + "/assignments/" + w.external();
        Instant end = clock.instant().plus(HOUR).truncatedTo(ChronoUnit.MILLIS);
        Http.Res put = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at", end.toString()));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(Instant.parse(put.get("expires_at").stringValue())).isEqualTo(end);
        for (TestNode node : List.of(first, second)) {
            assertThat(allowed(node, w, room, put.revision())).as("before its end").isTrue();
            assertThat(lookupResources(node, w, put.revision())).contains(room);
        }

        first.node().expiry().runOnce();
        assertThat(allowed(first, w, room, null)).as("an hour before its end").isTrue();

        clock.advance(HOUR);
        Await.until(PATIENCE, "the role has ended", () -> !allowed(first, w, room, null));
        JsonNode events = first.service().get(org + "/events?object_type=assignment&action=expired").json().get("items");
        assertThat(events).as("recorded once, though two nodes run the job").hasSize(1);
        JsonNode expired = events.get(0);
        assertThat(expired.at("/actor/type").stringValue()).isEqualTo("system");
        assertThat(expired.at("/before/role_id").longValue()).isEqualTo(w.externalRole());
        assertThat(expired.at("/before/expires_at").stringValue()).isEqualTo(end.toString());
        assertThat(expired.get("after").isNull()).isTrue();
        assertThat(Instant.parse(expired.get("occurred_at").stringValue())).as("recorded at its end, not before")
                .isAfterOrEqualTo(end);
        long revision = expired.get("revision").longValue();
        for (TestNode node : List.of(first, second)) {
            assertThat(allowed(node, w, room, revision)).as("after its end, at the same revision").isFalse();
            assertThat(lookupResources(node, w, revision)).doesNotContain(room);
            assertThat(node.service().get(assignment).status()).isEqualTo(404);
        }
        assertThat(first.service().get("/v1/engine").get("digest").stringValue())
                .isEqualTo(second.service().get("/v1/engine").get("digest").stringValue());
    }

    @Test
    void anEndGivenInNanoseconds_isKeptInMicroseconds_andEndsWhenTheClockReachesIt() {
        Fixtures.Populated w = fx.populated();
        String room = w.params().get("id");
        String assignment = w.org().path() + "/resources/room/" + room + "/assignments/" + w.external();
        Instant now = clock.instant();
        // 999 ns past a microsecond: rounded to the nearest microsecond, it would lie after the clock reading it
        Instant end = now.plus(HOUR).truncatedTo(ChronoUnit.MICROS).plusNanos(999);
        Http.Res put = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at", end.toString()));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(Instant.parse(put.get("expires_at").stringValue())).isEqualTo(end.truncatedTo(ChronoUnit.MICROS));

        clock.advance(Duration.between(now, end));
        Await.until(PATIENCE, "the role has ended", () -> !allowed(first, w, room, null));
    }

    @Test
    void anEnd_isReplacedOrClearedByTheNextPut_andMustLieInTheFuture() {
        Fixtures.Populated w = fx.populated();
        String assignment = w.org().path() + "/resources/room/" + w.params().get("id") + "/assignments/" + w.external();
        Http.Res past = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at",
                "2020-01-01T00:00:00Z"));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.json().at("/errors/expires_at").stringValue()).contains("future");
        for (String bad : List.of("tomorrow", "2030-01-01", "+10001-01-01T00:00:00Z")) {
            Http.Res res = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at", bad));
            assertThat(res.status()).as(bad).isEqualTo(400);
        }
        Http.Res byTheNodesClock = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at",
                clock.instant().minusSeconds(1).toString()));
        assertThat(byTheNodesClock.status()).as("past by the node's clock").isEqualTo(400);
        Http.Res later = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at",
                clock.instant().plus(HOUR).toString()));
        assertThat(later.status()).isEqualTo(200);
        Map<String, Object> forever = new HashMap<>();
        forever.put("role_id", w.externalRole());
        forever.put("expires_at", null);
        assertThat(first.service().put(assignment, forever).json().get("expires_at").isNull()).isTrue();
        long revision = first.revision();
        Http.Res same = first.service().put(assignment, forever);
        assertThat(same.status()).isEqualTo(200);
        assertThat(first.revision()).as("the same role and end again records nothing").isEqualTo(revision);
        clock.advance(HOUR.multipliedBy(2));
        assertThat(first.node().expiry().runOnce() + second.node().expiry().runOnce()).isZero();
        assertThat(allowed(first, w, w.params().get("id"), null)).as("its end was cleared").isTrue();
        assertThat(first.service().get(w.org().path() + "/events?object_type=assignment&action=expired")
                .get("items")).isEmpty();
    }

    @Test
    void anEndBeyondYear9999InUtc_isRefused_whateverItsSpelling_andChangesNothing() {
        Fixtures.Populated w = fx.populated();
        String assignment = w.org().path() + "/resources/room/" + w.params().get("id") + "/assignments/" + w.external();
        String before = first.service().get(assignment).body();
        for (String bad : List.of("+10000-01-01T00:00:00Z", "9999-12-31T23:59:59-18:00", "10000-01-01T00:00:00Z")) {
            Http.Res res = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at", bad));
            assertThat(res.status()).as("%s: %s", bad, res).isEqualTo(400);
            assertThat(res.json().at("/errors/expires_at").stringValue()).as(bad).contains("within years 1 to 9999");
        }
        assertThat(first.service().get(assignment).body()).as("nothing was written").isEqualTo(before);
        Http.Res last = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at",
                "9999-12-31T23:59:59Z"));
        assertThat(last.status()).as(last.toString()).isEqualTo(200);
        assertThat(last.get("expires_at").stringValue()).isEqualTo("9999-12-31T23:59:59Z");
    }

    /**
     * {@code expires_at} is an RFC 3339 date-time, as the API's description says ({@code format: date-time}): what
     * only a looser ISO-8601 reader takes — a fraction point without digits, an offset of hours alone or with seconds,
     * no seconds — is a 400 naming the field and changes nothing; RFC 3339's own spellings are taken, a fraction
     * beyond microseconds truncated to them.
     */
    @Test
    void anEndNotInRfc3339_isRefused_namingTheField_andRfc3339sOwnSpellingsAreTaken() {
        Fixtures.Populated w = fx.populated();
        String assignment = w.org().path() + "/resources/room/" + w.params().get("id") + "/assignments/" + w.external();
        String before = first.service().get(assignment).body();
        for (String bad : List.of("2035-01-01T00:00:00.Z", "2035-01-01T00:00:00+01", "2035-01-01T00:00:00+01:00:30",
                "2035-01-01T00:00Z")) {
            Http.Res res = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at", bad));
            assertThat(res.status()).as("%s: %s", bad, res).isEqualTo(400);
            assertThat(res.json().at("/errors/expires_at").stringValue()).as(bad).contains("RFC 3339", bad);
        }
        // RFC 3339's own spellings naming no instant Gatehouse keeps say why in the API's words, not Java's
        Map<String, String> why = Map.of(
                "2027-03-31T23:59:60Z", "(second 60 does not exist (leap seconds are not taken))",
                "2035-01-01T00:00:00+19:00", "(offset +19:00 is beyond ±18:00)");
        why.forEach((bad, reason) -> {
            Http.Res res = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at", bad));
            assertThat(res.status()).as("%s: %s", bad, res).isEqualTo(400);
            assertThat(res.json().at("/errors/expires_at").stringValue()).as(bad).endsWith("got \"" + bad + "\" "
                    + reason);
        });
        assertThat(first.service().get(assignment).body()).as("nothing was written").isEqualTo(before);
        Map<String, String> taken = Map.of(
                "2035-01-01t00:00:00z", "2035-01-01T00:00:00Z",
                "2035-01-01T00:00:00.123456789+14:00", "2034-12-31T10:00:00.123456Z",
                "2035-01-01T00:00:00.5-12:00", "2035-01-01T12:00:00.500Z");
        taken.forEach((raw, stored) -> {
            Http.Res res = first.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at", raw));
            assertThat(res.status()).as("%s: %s", raw, res).isEqualTo(200);
            assertThat(res.get("expires_at").stringValue()).as(raw).isEqualTo(stored);
        });
    }

    @Test
    void aRoomsRevocationDatedLater_keepsAccessUntilThen_thenRevokes_andRestoreBringsItBack() {
        BuyersRoom r = BuyersRoom.make();
        Fixtures.Org org = r.org();
        String base = r.base();
        Http admin = r.admin();
        int room = r.room();
        int carl = r.invite("carl");
        String user = base + "/rooms/" + room + "/users/" + carl;
        Instant end = clock.instant().plus(HOUR);

        Http.Res revoke = admin.post(user + "/revoke_access", Map.of("revocationDate", end.toString()));
        assertThat(revoke.status()).as(revoke.toString()).isEqualTo(204);
        assertThat(roomAllowed(org, carl, room)).as("until the date").isTrue();
        assertThat(userIds(admin, base, room)).contains(carl);

        clock.advance(HOUR);
        Await.until(PATIENCE, "the revocation took effect", () -> !roomAllowed(org, carl, room));
        assertThat(userIds(admin, base, room)).doesNotContain(carl);
        Http.Res change = admin.put(user, Map.of("transactionSideId", "buy"));
        assertThat(change.status()).isEqualTo(409);
        JsonNode roomUserEvent = first.service().get(org.path() + "/events?object_type=room_user&limit=1").json()
                .get("items").get(0);
        assertThat(roomUserEvent.at("/actor/type").stringValue()).isEqualTo("system");
        assertThat(roomUserEvent.at("/after/revoked_role_id").longValue()).isEqualTo(r.buyer());

        assertThat(admin.post(user + "/restore_access", Map.of()).status()).isEqualTo(204);
        assertThat(roomAllowed(org, carl, room)).isTrue();
    }

    @Test
    void restoringAccess_cancelsARevocationDatedLater() {
        BuyersRoom r = BuyersRoom.make();
        Fixtures.Org org = r.org();
        String base = r.base();
        Http admin = r.admin();
        int room = r.room();
        int carl = r.invite("carl");
        String user = base + "/rooms/" + room + "/users/" + carl;
        Instant end = clock.instant().plus(HOUR);
        assertThat(admin.post(user + "/revoke_access", Map.of("revocationDate", end.toString())).status())
                .isEqualTo(204);
        assertThat(admin.post(user + "/restore_access", Map.of()).status()).isEqualTo(204);
        clock.advance(HOUR.multipliedBy(2));
        assertThat(first.node().expiry().runOnce() + second.node().expiry().runOnce()).isZero();
        assertThat(roomAllowed(org, carl, room)).isTrue();
        assertThat(userIds(admin, base, room)).contains(carl);
    }

    /**
     * Keeping the role a member holds on a resource and giving it an end, or bringing its end nearer, hands nothing
     * out: it is judged as the removal it partly is — a member's own exempt, as deleting it is; another's refused
     * where taking it away is — on a {@code PUT}, an import line and a preview alike. Moving the end later, or lifting
     * it, gives the role for longer: judged as giving it. The sites model: rooms do not inherit the company role,
     * documents do; mgr (admin, doc.read) holds Reader (room.view, doc.read), which it could not hand out.
     */
    @Test
    void aRoleKeptWithAnEndSetOrBroughtNearer_isJudgedAsItsRemoval_notAsHandingItOut() throws Exception {
        registerSites();
        Fixtures.Org org = fx.org("sites");
        long reader = fx.role(org, "Reader", List.of("room.view", "doc.read"));
        long empty = fx.role(org, "Empty", List.of());
        long mgr = fx.member(org, "mgr", fx.role(org, "Mgr", List.of("admin", "doc.read")));
        long carl = fx.member(org, "carl", empty);
        Http mk = fx.keyFor(org, mgr);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String held = now.plus(Duration.ofDays(30)).toString();
        String nearer = now.plus(Duration.ofDays(10)).toString();
        String later = now.plus(Duration.ofDays(60)).toString();
        for (String type : List.of("room", "doc")) {
            String own = org.path() + "/resources/" + type + "/r2/assignments/" + mgr;
            assertThat(first.service().put(own, Map.of("role_id", reader, "expires_at", held)).status())
                    .isEqualTo(200);
            Http.Res sooner = mk.put(own, Map.of("role_id", reader, "expires_at", nearer));
            assertThat(sooner.status()).as("%s: %s", type, sooner).isEqualTo(200);
            assertThat(sooner.get("expires_at").stringValue()).isEqualTo(nearer);
            escalation(mk.put(own, Map.of("role_id", reader, "expires_at", later)), "role grants");
            Map<String, Object> endless = new HashMap<>(Map.of("role_id", reader));
            endless.put("expires_at", null);
            escalation(mk.put(own, endless), "role grants");
            Map<String, Object> ending = new HashMap<>(Map.of("resource", Map.of("type", type, "id", "r2"),
                    "member_id", mgr, "role_id", reader, "expires_at", now.plus(HOUR).toString()));
            Http.Res preview = mk.post(org.path() + "/preview", Map.of("assignment", ending));
            assertThat(preview.status()).as("%s: %s", type, preview).isEqualTo(200);
            Http.Res imported = mk.raw("POST", org.path() + "/import", "{\"type\": \"assignment\", \"resource\": "
                    + "{\"type\": \"" + type + "\", \"id\": \"r2\"}, \"user_id\": \"mgr\", \"role\": \"Reader\", "
                    + "\"expires_at\": \"" + now.plus(Duration.ofDays(5)) + "\"}\n", "application/x-ndjson");
            assertThat(imported.status()).as("%s: %s", type, imported).isEqualTo(200);
            assertThat(first.service().get(own).get("expires_at").stringValue())
                    .isEqualTo(now.plus(Duration.ofDays(5)).toString());

            // another's role it could not hand out it may not end sooner, as it may not delete it
            String carls = org.path() + "/resources/" + type + "/r2/assignments/" + carl;
            assertThat(first.service().put(carls, Map.of("role_id", reader, "expires_at", held)).status())
                    .isEqualTo(200);
            escalation(mk.delete(carls), "member " + carl + "'s role there grants [room.view]");
            escalation(mk.put(carls, Map.of("role_id", reader, "expires_at", nearer)),
                    "bringing forward the end of a role on " + type + " r2 is refused: member " + carl
                            + "'s role there grants [room.view]");
            assertThat(first.service().get(carls).get("expires_at").stringValue()).isEqualTo(held);

            // a role that had no end is given one, not brought forward: the refusal says so, on a put and an import
            String noEnd = org.path() + "/resources/" + type + "/r3/assignments/" + carl;
            assertThat(first.service().put(noEnd, Map.of("role_id", reader)).status()).isEqualTo(200);
            escalation(mk.put(noEnd, Map.of("role_id", reader, "expires_at", nearer)),
                    "giving an end to a role on " + type + " r3 is refused: member " + carl
                            + "'s role there grants [room.view]");
            escalation(mk.raw("POST", org.path() + "/import", "{\"type\": \"assignment\", \"resource\": "
                    + "{\"type\": \"" + type + "\", \"id\": \"r3\"}, \"user_id\": \"carl\", \"role\": \"Reader\", "
                    + "\"expires_at\": \"" + nearer + "\"}\n", "application/x-ndjson"), "giving an end to a role on "
                    + type + " r3 is refused");
            assertThat(first.service().get(noEnd).get("expires_at").isNull()).isTrue();
        }
    }

    /**
     * The repro of a role revived after its end: a {@code PUT} postponing the end of a room role whose end has come
     * by the writing node's clock, before any expiry job has run, is answered as after the job's run — 409
     * {@code room_access_revoked}, the end of a room role being a revocation — through {@code /v1} and Rooms' own
     * route alike, and revives nothing: the job's run then records the end, once, and nothing was recorded after it.
     */
    @Test
    void aPutPostponingARoomRolesEnd_thatHasCome_beforeTheJobRan_isRefusedAsAfterIt_andRevivesNothing() {
        Fixtures.Populated w = fx.populated();
        String org = w.org().path();
        String room = w.params().get("id");
        String assignment = org + "/resources/room/" + room + "/assignments/" + w.external();
        Instant end = later(clock.instant(), aheadClock.instant()).plus(DAY).truncatedTo(ChronoUnit.MILLIS);
        Http.Res put = ahead.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at",
                end.toString()));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);

        aheadClock.advance(Duration.between(aheadClock.instant(), end.plusMillis(600)));
        Http.Res postponed = ahead.service().put(assignment, Map.of("role_id", w.externalRole(), "expires_at",
                end.plus(Duration.ofDays(30)).toString()));
        assertThat(postponed.status()).as(postponed.toString()).isEqualTo(409);
        assertThat(postponed.get("code").stringValue()).isEqualTo("room_access_revoked");
        Http.Res changed = ahead.service().put("/restapi/v2/accounts/" + w.org().accountId() + "/rooms/"
                + room + "/users/" + w.external(), Map.of("roleId", w.externalRole()));
        assertThat(changed.status()).as("Rooms' route: %s", changed).isEqualTo(409);
        assertThat(changed.get("errorCode").stringValue()).isEqualTo("ROOM_ACCESS_REVOKED");

        assertThat(ahead.node().expiry().runOnce()).isPositive();
        JsonNode events = first.service().get(org + "/events?object_type=assignment&order=asc").json().get("items");
        List<String> actions = events.valueStream().map(e -> e.get("action").stringValue()).toList();
        assertThat(actions.get(actions.size() - 1)).as("the end is the last thing recorded: %s", actions)
                .isEqualTo("expired");
        assertThat(actions).as("recorded once").containsOnlyOnce("expired");
        JsonNode expired = events.get(actions.size() - 1);
        assertThat(expired.at("/actor/type").stringValue()).isEqualTo("system");
        assertThat(expired.at("/before/expires_at").stringValue()).isEqualTo(end.toString());
        long revision = expired.get("revision").longValue();
        assertThat(allowed(first, w, room, revision)).isFalse();
        assertThat(first.service().get(assignment).status()).isEqualTo(404);
    }

    /**
     * A role whose end has come by the writing node's clock, before any expiry job has run, is ended by the write
     * that meets it — its {@code expired} event recorded first, in that write — and the write judged by what
     * remains, as after the job's run: a {@code PUT} moving its end later gives the role anew (created now, not
     * revived), an import's line likewise, a {@code DELETE} answers 404. The sites model: nothing tracks its rooms.
     */
    @Test
    void aRoleWhoseEndHasCome_beforeTheJobRan_isEndedByTheWriteMeetingIt_whichIsJudgedByWhatRemains()
            throws Exception {
        registerSites();
        Fixtures.Org org = fx.org("sites");
        long reader = fx.role(org, "Reader", List.of("room.view", "doc.read"));
        long carl = fx.member(org, "carl", fx.role(org, "Empty", List.of()));
        String postponed = org.path() + "/resources/room/r1/assignments/" + carl;
        String deleted = org.path() + "/resources/room/r2/assignments/" + carl;
        String imported = org.path() + "/resources/room/r3/assignments/" + carl;
        Instant end = later(clock.instant(), aheadClock.instant()).plus(DAY).truncatedTo(ChronoUnit.MILLIS);
        // a second apart, so that each write below meets the one end that has come by then
        List<String> paths = List.of(postponed, deleted, imported);
        for (int i = 0; i < paths.size(); i++) {
            Http.Res put = ahead.service().put(paths.get(i), Map.of("role_id", reader, "expires_at",
                    end.plusSeconds(i).toString()));
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
        }

        aheadClock.advance(Duration.between(aheadClock.instant(), end.plusMillis(600)));
        Instant later = end.plus(Duration.ofDays(30));
        Http.Res put = ahead.service().put(postponed, Map.of("role_id", reader, "expires_at", later.toString()));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(Instant.parse(put.get("created_at").stringValue())).as("given anew, not revived").isAfter(end);
        assertThat(Instant.parse(put.get("expires_at").stringValue())).isEqualTo(later);
        JsonNode events = first.service().get(org.path() + "/events?order=asc&object_type=assignment&object_id=room/r1/"
                + carl).json().get("items");
        assertThat(events.valueStream().map(e -> e.get("action").stringValue()).toList())
                .containsExactly("created", "expired", "created");
        assertThat(events.get(1).at("/before/expires_at").stringValue()).isEqualTo(end.toString());
        assertThat(events.get(1).get("revision").longValue()).isLessThan(events.get(2).get("revision").longValue());

        aheadClock.advance(Duration.ofSeconds(1));
        Http.Res delete = ahead.service().delete(deleted);
        assertThat(delete.status()).as("%s", delete).isEqualTo(404);

        aheadClock.advance(Duration.ofSeconds(1));
        Http.Res line = ahead.service().raw("POST", org.path() + "/import", "{\"type\": \"assignment\", "
                + "\"resource\": {\"type\": \"room\", \"id\": \"r3\"}, \"user_id\": \"carl\", "
                + "\"role\": \"Reader\", \"expires_at\": \"" + later + "\"}\n", "application/x-ndjson");
        assertThat(line.status()).as("%s", line).isEqualTo(200);
        Http.Res reimported = first.service().get(imported);
        assertThat(Instant.parse(reimported.get("created_at").stringValue())).as("given anew, not revived")
                .isAfter(end.plusSeconds(2));

        ahead.node().expiry().runOnce();
        assertThat(first.service().get(deleted).status()).as("ended by the job, as the DELETE found").isEqualTo(404);
        assertThat(first.service().get(org.path() + "/events?object_type=assignment&action=expired").get("items"))
                .as("each end recorded once").hasSize(3);
    }

    /**
     * Puts of several organizations that wait for a write lane together run as one joint run ({@link JointPuts}), and
     * a put there that meets a role whose end has come is judged as it is alone: the role ended first, in the put's
     * own write, and given anew; where the put is refused, it changes nothing — the role is left for the job to end,
     * its end recorded once.
     */
    @Test
    void aJointRunsPutMeetingARoleWhoseEndHasCome_endsItFirst_andARefusedOneLeavesItToTheJob() throws Exception {
        registerSites();
        Fixtures.Org given = fx.org("sites");
        Fixtures.Org refused = fx.org("sites");
        Fixtures.Org blocked = fx.org("sites");
        Instant end = later(clock.instant(), aheadClock.instant()).plus(DAY).truncatedTo(ChronoUnit.MILLIS);
        Map<Fixtures.Org, Long> carls = new HashMap<>();
        for (Fixtures.Org org : List.of(given, refused)) {
            long reader = fx.role(org, "Reader", List.of("room.view", "doc.read"));
            long carl = fx.member(org, "carl", fx.role(org, "Empty", List.of()));
            carls.put(org, carl);
            Http.Res put = ahead.service().put(org.path() + "/resources/room/r1/assignments/" + carl,
                    Map.of("role_id", reader, "expires_at", end.toString()));
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
        }
        long mgr = fx.member(refused, "mgr", fx.role(refused, "Mgr", List.of("admin", "doc.read")));
        Http mgrKey = new Fixtures(ahead).keyFor(refused, mgr);
        Instant later = end.plus(Duration.ofDays(30));

        aheadClock.advance(Duration.between(aheadClock.instant(), end.plusMillis(600)));
        Map<String, CompletableFuture<Http.Res>> queued = new HashMap<>();
        Store store = ahead.node().core().store();
        List<String> statements = Statements.of(ahead, () -> {
            try (OrgRowLock lock = WriteLanes.occupy(ahead, blocked.id(), n -> ahead.service()
                    .post(blocked.path() + "/roles", Map.of("name", "Blocker " + n, "permissions", List.of())))) {
                queued.put("given", WriteLanes.queue(store, () -> ahead.service().put(given.path()
                        + "/resources/room/r1/assignments/" + carls.get(given), Map.of("role_id",
                        fx.roleId(given, "Reader"), "expires_at", later.toString()))));
                queued.put("refused", WriteLanes.queue(store, () -> mgrKey.put(refused.path()
                        + "/resources/room/r1/assignments/" + carls.get(refused), Map.of("role_id",
                        fx.roleId(refused, "Reader"), "expires_at", later.toString()))));
                lock.release();
            }
            queued.values().forEach(CompletableFuture::join);
        });
        assertThat(statements.stream().filter(q -> q.contains("FROM assignments WHERE org_id = k.org_id")))
                .as("one joint run").hasSize(1);

        Http.Res put = queued.get("given").join();
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(Instant.parse(put.get("created_at").stringValue())).as("given anew, not revived").isAfter(end);
        assertThat(first.service().get(given.path() + "/events?order=asc&object_type=assignment&object_id=room/r1/"
                + carls.get(given)).get("items").valueStream().map(e -> e.get("action").stringValue()).toList())
                .containsExactly("created", "expired", "created");

        escalation(queued.get("refused").join(), "role grants");
        String held = refused.path() + "/resources/room/r1/assignments/" + carls.get(refused);
        Http.Res left = first.service().get(held);
        assertThat(left.status()).as("left as it was: %s", left).isEqualTo(200);
        assertThat(left.get("expires_at").stringValue()).isEqualTo(end.toString());
        ahead.node().expiry().runOnce();
        assertThat(first.service().get(held).status()).isEqualTo(404);
        assertThat(first.service().get(refused.path() + "/events?object_type=assignment&action=expired")
                .get("items")).as("its end recorded once, by the job").hasSize(1);
    }

    /**
     * Rooms' own writes on a room user whose room role's end has come by the writing node's clock, before any expiry
     * job has run, are answered as after the job's run, which revokes its access as of the end: restoring access
     * restores it (the revocation recorded first, not the end cancelled), revoking it with a later date, changing its
     * side and inviting it again are refused as for a revoked user (409 {@code ROOM_ACCESS_REVOKED}) and revive
     * nothing.
     */
    @Test
    void roomsWritesOnAUserWhoseAccessHasEnded_beforeTheJobRan_areAnsweredAsAfterIt() {
        BuyersRoom r = BuyersRoom.make();
        Fixtures.Org org = r.org();
        String base = r.base();
        int buyer = r.buyer();
        int room = r.room();
        List<String> names = List.of("carl", "dora", "eve", "fred");
        Map<String, Integer> ids = new HashMap<>();
        Instant end = later(clock.instant(), aheadClock.instant()).plus(DAY).truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < names.size(); i++) {
            int id = r.invite(names.get(i));
            ids.put(names.get(i), id);
            // a second apart, so that each write below meets the one end that has come by then
            Http.Res scheduled = ahead.service().post(base + "/rooms/" + room + "/users/" + id + "/revoke_access",
                    Map.of("revocationDate", end.plusSeconds(i).toString()));
            assertThat(scheduled.status()).as(scheduled.toString()).isEqualTo(204);
        }
        String users = base + "/rooms/" + room + "/users/";
        aheadClock.advance(Duration.between(aheadClock.instant(), end.plusMillis(600)));

        Http.Res restored = ahead.service().post(users + ids.get("carl") + "/restore_access", Map.of());
        assertThat(restored.status()).as(restored.toString()).isEqualTo(204);
        assertThat(first.service().get(org.path() + "/events?order=asc&object_type=assignment&object_id=room/"
                + room + "/" + ids.get("carl")).get("items").valueStream().map(e -> e.get("action").stringValue())
                .toList()).as("ended, then given back").containsExactly("created", "updated", "expired", "created");
        assertThat(first.service().get(org.path() + "/resources/room/" + room + "/assignments/" + ids.get("carl"))
                .get("expires_at").isNull()).as("restored without an end").isTrue();

        aheadClock.advance(Duration.ofSeconds(1));
        Http.Res postponed = ahead.service().post(users + ids.get("dora") + "/revoke_access",
                Map.of("revocationDate", end.plus(Duration.ofDays(30)).toString()));
        assertThat(postponed.status()).as(postponed.toString()).isEqualTo(409);
        assertThat(postponed.get("errorCode").stringValue()).isEqualTo("ROOM_ACCESS_REVOKED");

        aheadClock.advance(Duration.ofSeconds(1));
        Http.Res side = ahead.service().put(users + ids.get("eve"), Map.of("transactionSideId", "buy"));
        assertThat(side.status()).as(side.toString()).isEqualTo(409);
        assertThat(side.get("errorCode").stringValue()).isEqualTo("ROOM_ACCESS_REVOKED");

        aheadClock.advance(Duration.ofSeconds(1));
        Http.Res invited = ahead.service().post(base + "/rooms/" + room + "/users", Map.of("email", "fred@out.test",
                "firstName", "fred", "lastName", "O", "roleId", buyer));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(409);
        assertThat(invited.get("errorCode").stringValue()).isEqualTo("ROOM_ACCESS_REVOKED");

        ahead.node().expiry().runOnce();
        for (String name : List.of("dora", "eve", "fred")) {
            Await.until(PATIENCE, name + "'s end reached the first node", () -> !roomAllowed(org, ids.get(name), room));
            assertThat(first.service().get(org.path() + "/events?object_type=assignment&action=expired&object_id=room/"
                    + room + "/" + ids.get(name)).get("items")).as("%s's end recorded once", name).hasSize(1);
        }
        assertThat(roomAllowed(org, ids.get("carl"), room)).as("restored").isTrue();
    }

    /** A rooms organization, its first admin, an external Buyer role (room details) and a room the admin made. */
    private record BuyersRoom(Fixtures.Org org, String base, Http admin, int buyer, int room) {
        static BuyersRoom make() {
            Fixtures.Org org = fx.org("rooms");
            String base = "/restapi/v2/accounts/" + org.accountId();
            Http admin = org.admin();
            int adminRole = admin.get(base + "/roles").get("roles").get(0).get("roleId").intValue();
            int buyer = admin.post(base + "/roles", Map.of("name", "Buyer", "isExternal", true, "permissions",
                    Map.of("canViewRoomDetails", true))).get("roleId").intValue();
            int room = admin.post(base + "/rooms", Map.of("name", "R", "roleId", adminRole)).get("roomId").intValue();
            return new BuyersRoom(org, base, admin, buyer, room);
        }

        /** Invites {@code name}@out.test into the room as a Buyer; its user id. */
        int invite(String name) {
            return admin.post(base + "/rooms/" + room + "/users", Map.of("email", name + "@out.test", "firstName",
                    name, "lastName", "O", "roleId", buyer)).get("userId").intValue();
        }
    }

    static Instant later(Instant one, Instant other) {
        return one.isAfter(other) ? one : other;
    }

    static void escalation(Http.Res res, String detail) {
        assertThat(res.status()).as("%s", res).isEqualTo(403);
        assertThat(res.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(res.get("detail").stringValue()).contains(detail);
    }

    static boolean allowed(TestNode node, Fixtures.Populated w, String room, Long minRevision) {
        Map<String, Object> body = new HashMap<>(Map.of("member_id", w.external(), "permission", "canViewRoomDetails",
                "resource", Map.of("type", "room", "id", room)));
        if (minRevision != null) {
            body.put("min_revision", minRevision);
        }
        Http.Res res = node.service().post(w.org().path() + "/check", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.get("allowed").booleanValue();
    }

    static List<String> lookupResources(TestNode node, Fixtures.Populated w, long minRevision) {
        Http.Res res = node.service().post(w.org().path() + "/lookup/resources", Map.of("member_id", w.external(),
                "permission", "canViewRoomDetails", "type", "room", "min_revision", minRevision));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.get("items").valueStream().map(JsonNode::stringValue).toList();
    }

    static boolean roomAllowed(Fixtures.Org org, int member, int room) {
        return first.service().post(org.path() + "/check", Map.of("member_id", member, "permission",
                "canViewRoomDetails", "resource", Map.of("type", "room", "id", String.valueOf(room))))
                .get("allowed").booleanValue();
    }

    static List<Integer> userIds(Http admin, String base, int room) {
        return admin.get(base + "/rooms/" + room + "/users").get("users").valueStream()
                .map(u -> u.get("userId").intValue()).toList();
    }

    /** Registers the sites model (rooms that do not inherit the company role, documents that do), once. */
    private static void registerSites() throws Exception {
        try (var in = AssignmentExpiryIT.class.getResourceAsStream("/models/sites.json")) {
            Http.Res registered = first.service().post("/v1/models", Json.MAPPER.readTree(in));
            assertThat(registered.status()).as("%s", registered).isIn(201, 409);
        }
    }
}
