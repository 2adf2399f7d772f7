package dev.gatehouse.apikey;

import dev.gatehouse.http.close.RateLimit;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.OrgRowLock;
import dev.gatehouse.testing.RevisionLock;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys have a lifecycle: deactivating a member revokes all of its keys (each revocation in the change log),
 * and reactivating it revives none; a member manager lists and revokes another member's keys but cannot mint
 * one; rate limits count per member, so minting more keys buys no more requests.
 */
class KeyLifecycleIT {

    /** A replica key's read of the change stream, which answers at once. */
    private static final String CHANGES = "/v1/changes?after=0&wait=0&limit=1";

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** An answer holding a secret is never kept by a cache on the way, nor is any other API answer. */
    @Test
    void answers_withSecretsOrNot_areNotStored() {
        var org = fx.org("rooms");
        Http.Res minted = node.service().post(org.path() + "/members/" + org.adminId() + "/keys", Map.of("name", "k"));
        assertThat(minted.status()).isEqualTo(201);
        assertThat(minted.header("Cache-Control")).isEqualTo("no-store");
        Http.Res hook = node.service().post(org.path() + "/webhooks", Map.of("url", "https://example.com/"));
        assertThat(hook.header("Cache-Control")).isEqualTo("no-store");
        assertThat(node.service().get(org.path() + "/roles").header("Cache-Control")).isEqualTo("no-store");
        assertThat(node.service().get(org.path() + "/roles/nope").header("Cache-Control")).as("an error too")
                .isEqualTo("no-store");
        assertThat(node.service().get("/v1/nowhere").header("Cache-Control")).as("no route").isEqualTo("no-store");
        assertThat(node.service().delete("/v1/models").header("Cache-Control")).as("no such method")
                .isEqualTo("no-store");
    }

    /** As a token of such a member is: a key acts once its member is active, whatever asked for it. */
    @Test
    void aKeyOfAnInvitedMember_actsNowhere_untilTheInvitationIsAccepted() {
        var org = fx.org("close");
        Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", "invitee", "email",
                "invitee@example.com", "role_id", fx.roleId(org, "User"), "status", "invited"));
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        long member = invited.get("id").longValue();
        Http.Res minted = node.service().post(org.path() + "/members/" + member + "/keys", Map.of("name", "early"));
        assertThat(minted.status()).as("%s", minted).isEqualTo(201);
        Http key = node.as(minted.get("key").stringValue());
        List<Http.Res> answers = List.of(key.get(org.path()), key.get(org.path() + "/members/" + member
                + "/permissions"), key.post(org.path() + "/check", Map.of("member_id", member, "permission",
                "manage_organization")));
        assertThat(answers).allSatisfy(res -> {
            assertThat(res.status()).as("%s", res).isEqualTo(401);
            assertThat(res.body()).contains("key_member_inactive");
        });
        Http.Res close = key.get("/api/v1/me/"); // Close's error says it in words
        assertThat(close.status()).as("%s", close).isEqualTo(401);
        assertThat(close.body()).contains("membership is not active");
        assertThat(node.service().post(org.path() + "/members/" + member + "/accept", Map.of()).status())
                .isEqualTo(200);
        assertThat(key.get(org.path()).status()).as("accepted: the key acts").isEqualTo(200);
    }

    @Test
    void deactivation_revokesEveryKey_inTheChangeLog_andReactivationRevivesNone() {
        var org = fx.org("close");
        long member = fx.member(org, "leaver", fx.roleId(org, "User"));
        List<String> ids = new ArrayList<>();
        List<Http> keys = new ArrayList<>();
        for (String name : List.of("laptop", "phone")) {
            Http.Res created = node.service().post(org.path() + "/members/" + member + "/keys", Map.of("name", name));
            ids.add(created.get("id").stringValue());
            keys.add(node.as(created.get("key").stringValue()));
        }
        keys.forEach(key -> assertThat(key.get(org.path()).status()).isEqualTo(200));

        Http.Res deactivated = node.service().patch(org.path() + "/members/" + member, Map.of("status", "deactivated"));
        assertThat(deactivated.status()).isEqualTo(200);
        JsonNode revocations = node.service().get(org.path() + "/events?object_type=api_key&action=deleted").json()
                .get("items");
        assertThat(revocations).extracting(e -> e.get("object_id").stringValue()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(revocations).allSatisfy(e -> assertThat(e.get("revision").longValue())
                .isLessThanOrEqualTo(deactivated.revision()));
        assertThat(node.service().get(org.path() + "/members/" + member + "/keys").json().get("items"))
                .allSatisfy(k -> assertThat(k.get("revoked_at").isNull()).isFalse());

        assertThat(node.service().patch(org.path() + "/members/" + member, Map.of("status", "active")).status())
                .isEqualTo(200);
        for (Http key : keys) {
            Http.Res refused = key.get(org.path());
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.get("code").stringValue()).isEqualTo("key_revoked");
            assertThat(refused.header("WWW-Authenticate")).as("the credential sent was refused (RFC 6750)")
                    .contains("error=\"invalid_token\"");
        }
        assertThat(fx.keyFor(org, member).get(org.path()).status()).as("a key issued after reactivation").isEqualTo(200);
    }

    /**
     * Two revocations of one replica key at once, in two write lanes' transactions (or on two nodes), record one
     * revocation and answer one revision: the second takes its turn after the first committed and finds the key
     * revoked. Both once read it unrevoked, and each recorded a deletion (under a revision of its own).
     */
    @Test
    void aReplicaKeyRevokedTwiceAtOnce_isRecordedOnce() {
        String replica = node.service().post("/v1/replica-keys", Map.of("name", "twice")).get("id").stringValue();
        List<CompletableFuture<Http.Res>> revocations = new ArrayList<>();
        try (RevisionLock lock = RevisionLock.hold(node)) {
            for (int i = 1; i <= 2; i++) {
                revocations.add(CompletableFuture.supplyAsync(() -> node.service().delete("/v1/replica-keys/"
                        + replica)));
                int waiting = i;
                Await.until(Duration.ofSeconds(20), waiting + " revocation(s) wait", () -> lock.lockWaits() == waiting);
            }
        }
        List<Http.Res> answers = revocations.stream().map(CompletableFuture::join).toList();
        assertThat(answers).allSatisfy(res -> assertThat(res.status()).as("%s", res).isEqualTo(204));
        assertThat(answers.get(1).revision()).isEqualTo(answers.get(0).revision());
        int records = node.node().core().store().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM "
                + "change_log WHERE object_type = 'api_key' AND object_id = :k").bind("k", replica)
                .mapTo(Integer.class).one());
        assertThat(records).as("its creation and one revocation").isEqualTo(2);
    }

    /**
     * A revocation is the key's deletion, recorded as every deletion is: the key as it was (not revoked) in
     * {@code before}, {@code after} null — whether its member revoked it, deactivating the member did, or a service
     * key revoked a replica key.
     */
    @Test
    void revocations_recordTheKeyAsItWasInBefore_andNoAfter() {
        var org = fx.org("close");
        long member = fx.member(org, "thrice", fx.roleId(org, "User"));
        String keys = org.path() + "/members/" + member + "/keys";
        String explicit = node.service().post(keys, Map.of("name", "revoked")).get("id").stringValue();
        assertThat(node.service().delete(keys + "/" + explicit).status()).isEqualTo(204);
        String withItsMember = node.service().post(keys, Map.of("name", "deactivated")).get("id").stringValue();
        assertThat(node.service().patch(org.path() + "/members/" + member, Map.of("status", "deactivated")).status())
                .isEqualTo(200);
        String replica = node.service().post("/v1/replica-keys", Map.of("name", "follower", "org_id", org.id()))
                .get("id").stringValue();
        assertThat(node.service().delete("/v1/replica-keys/" + replica).status()).isEqualTo(204);

        JsonNode deleted = node.service().get(org.path() + "/events?object_type=api_key&action=deleted").json()
                .get("items");
        assertThat(deleted).extracting(e -> e.get("object_id").stringValue())
                .containsExactlyInAnyOrder(explicit, withItsMember, replica);
        Map<String, String> names = Map.of(explicit, "revoked", withItsMember, "deactivated", replica, "follower");
        assertThat(deleted).allSatisfy(e -> {
            assertThat(e.get("after").isNull()).as("%s", e).isTrue();
            JsonNode before = e.get("before");
            assertThat(before.get("id").stringValue()).isEqualTo(e.get("object_id").stringValue());
            assertThat(before.get("name").stringValue()).isEqualTo(names.get(e.get("object_id").stringValue()));
            assertThat(before.get("revoked_at").isNull()).as("as it was before its revocation: %s", e).isTrue();
            assertThat(e.get("changed_fields")).as("%s", e).isNotEmpty();
        });
        JsonNode issued = node.service().get(org.path() + "/events?object_type=api_key&action=created&object_id="
                + explicit).json().get("items").get(0);
        assertThat(deleted).filteredOn(e -> e.get("object_id").stringValue().equals(explicit)).singleElement()
                .satisfies(e -> assertThat(e.get("before")).as("the key as its creation recorded it")
                        .isEqualTo(issued.get("after")));
    }

    /**
     * A key revoked on one node is refused on every other at once, although those had verified it before and keep
     * it in memory: a member key revoked, one whose member was deactivated, and a replica key revoked.
     */
    @Test
    void revocations_reachEveryNode() {
        try (TestNode other = TestNode.startOn(node.databaseUrl())) {
            var org = fx.org("close");
            long member = fx.member(org, "leaving", fx.roleId(org, "User"));
            String keys = org.path() + "/members/" + member + "/keys";
            Http.Res revoked = node.service().post(keys, Map.of("name", "revoked"));
            Http.Res withItsMember = node.service().post(keys, Map.of("name", "deactivated"));
            Http.Res replica = node.service().post("/v1/replica-keys", Map.of("org_id", org.id()));
            Http revokedThere = other.as(revoked.get("key").stringValue());
            Http deactivatedThere = other.as(withItsMember.get("key").stringValue());
            Http replicaThere = other.as(replica.get("key").stringValue());
            Await.until(Duration.ofSeconds(10), "the other node knows the keys", () ->
                    revokedThere.get(org.path()).status() == 200 && deactivatedThere.get(org.path()).status() == 200
                            && replicaThere.get(CHANGES).status() == 200);

            assertThat(node.service().delete(keys + "/" + revoked.get("id").stringValue()).status()).isEqualTo(204);
            assertThat(node.service().patch(org.path() + "/members/" + member, Map.of("status", "deactivated"))
                    .status()).isEqualTo(200);
            assertThat(node.service().delete("/v1/replica-keys/" + replica.get("id").stringValue()).status())
                    .isEqualTo(204);
            Await.until(Duration.ofSeconds(10), "the other node refuses the revoked keys", () ->
                    revokedThere.get(org.path()).status() == 401 && deactivatedThere.get(org.path()).status() == 401
                            && replicaThere.get(CHANGES).status() == 401);
            for (Http.Res refused : List.of(revokedThere.get(org.path()), deactivatedThere.get(org.path()),
                    replicaThere.get(CHANGES))) {
                assertThat(refused.get("code").stringValue()).as("%s", refused).isEqualTo("key_revoked");
            }
        }
    }

    /**
     * A revoked key is told so (401 {@code key_revoked}), so that whoever holds it knows to get another rather than
     * look for a typo; the same key id with another secret learns nothing: 401 {@code invalid_key}, as for a key id
     * nobody issued.
     */
    @Test
    void aRevokedKey_isToldSo_onlyToWhoHoldsItsSecret() {
        var org = fx.org("rooms");
        Http.Res minted = node.service().post(org.path() + "/members/" + org.adminId() + "/keys",
                Map.of("name", "lost"));
        String key = minted.get("key").stringValue();
        String forged = key.substring(0, 29) + (key.charAt(29) == 'A' ? 'B' : 'A') + key.substring(30);
        String unknown = key.substring(0, 4) + (key.charAt(4) == 'a' ? 'b' : 'a') + key.substring(5);
        assertThat(node.as(key).get(org.path()).status()).isEqualTo(200);
        assertThat(node.service().delete(org.path() + "/members/" + org.adminId() + "/keys/"
                + minted.get("id").stringValue()).status()).isEqualTo(204);

        // a credential longer than any key is not a missing one
        Http.Res tooLong = node.as("x".repeat(600)).get(org.path());
        assertThat(tooLong.status()).isEqualTo(401);
        assertThat(tooLong.get("code").stringValue()).isEqualTo("invalid_key");
        for (int attempt = 0; attempt < 2; attempt++) {
            Http.Res revoked = node.as(key).get(org.path());
            assertThat(revoked.status()).isEqualTo(401);
            assertThat(revoked.get("code").stringValue()).as("attempt %s: %s", attempt, revoked)
                    .isEqualTo("key_revoked");
            for (String other : List.of(forged, unknown)) {
                Http.Res refused = node.as(other).get(org.path());
                assertThat(refused.status()).isEqualTo(401);
                assertThat(refused.get("code").stringValue()).isEqualTo("invalid_key");
                assertThat(refused.get("detail").stringValue()).doesNotContain("revoked");
            }
        }
    }

    /**
     * A key is itself only with its kind's prefix: a member key spelled {@code ghs_} or {@code ghr_}, a replica key
     * spelled {@code ghm_} or {@code ghs_}, is 401 {@code invalid_key} as any key that does not match — before its
     * right spelling was verified and after, when it is answered from memory (the check answered directly too). Every
     * spelling was accepted: the kind was read from the database, and the prefix meant nothing.
     */
    @Test
    void aKeyPresentedWithAnotherKindsPrefix_isNotTheKey_beforeOrAfterItWasVerified() {
        var org = fx.org("close");
        String member = node.service().post(org.path() + "/members/" + org.adminId() + "/keys",
                Map.of("name", "spelled")).get("key").stringValue();
        Http.Res replica = node.service().post("/v1/replica-keys", Map.of("org_id", org.id()));
        String replicaKey = replica.get("key").stringValue();
        Map<String, Object> check = Map.of("member_id", org.adminId(), "permission", "manage_organization");
        for (String verified : List.of("before", "after")) {
            for (String spelling : List.of("ghs_", "ghr_")) {
                Http wrong = node.as(spelling + member.substring(4));
                for (Http.Res res : List.of(wrong.get(org.path()), wrong.post(org.path() + "/check", check))) {
                    assertThat(res.status()).as("%s %s: %s", spelling, verified, res).isEqualTo(401);
                    assertThat(res.get("code").stringValue()).isEqualTo("invalid_key");
                }
            }
            for (String spelling : List.of("ghm_", "ghs_")) {
                Http.Res res = node.as(spelling + replicaKey.substring(4)).get(CHANGES);
                assertThat(res.status()).as("%s %s: %s", spelling, verified, res).isEqualTo(401);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_key");
            }
            assertThat(node.as(member).get(org.path()).status()).isEqualTo(200);
            assertThat(node.as(member).post(org.path() + "/check", check).status()).isEqualTo(200);
            assertThat(node.as(replicaKey).get(CHANGES).status()).isEqualTo(200);
        }
        node.service().delete("/v1/replica-keys/" + replica.get("id").stringValue());
    }

    /** A whole key pasted where its id belongs is not found, and its secret is not echoed back (it was, in full). */
    @Test
    void aWholeKeyGivenAsAKeyId_isNotFound_withoutItsSecretInTheAnswer() {
        var org = fx.org("close");
        Http.Res minted = node.service().post(org.path() + "/members/" + org.adminId() + "/keys",
                Map.of("name", "pasted"));
        String key = minted.get("key").stringValue();
        Http.Res replica = node.service().post("/v1/replica-keys", Map.of());
        String replicaKey = replica.get("key").stringValue();
        for (Map.Entry<String, String> revoke : Map.of(
                org.path() + "/members/" + org.adminId() + "/keys/", key, "/v1/replica-keys/", replicaKey).entrySet()) {
            Http.Res res = node.service().delete(revoke.getKey() + revoke.getValue());
            assertThat(res.status()).as(res.toString()).isEqualTo(404);
            assertThat(res.get("code").stringValue()).isEqualTo("key_not_found");
            assertThat(res.body()).doesNotContain(revoke.getValue().substring(29, 40));
        }
        assertThat(node.as(key).get(org.path()).status()).as("nothing revoked").isEqualTo(200);
        node.service().delete("/v1/replica-keys/" + replica.get("id").stringValue());
    }


    /**
     * Key lists page after a key: a cursor naming no key of the list (another member's, a replica key on a member's
     * list, one made up) is 400 {@code invalid_cursor}, not the first page again, which a client following cursors
     * would loop on.
     */
    @Test
    void keyListCursors_page_andOneNamingNoKeyOfTheList_isRefused() {
        var org = fx.org("close");
        String keys = org.path() + "/members/" + org.adminId() + "/keys";
        List<String> minted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            minted.add(node.service().post(keys, Map.of("name", "k" + i)).get("id").stringValue());
        }
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            Http.Res page = node.service().get(keys + "?limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as("%s", page).isEqualTo(200);
            page.get("items").forEach(k -> paged.add(k.get("id").stringValue()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").stringValue();
        } while (cursor != null && paged.size() < 10);
        assertThat(paged).endsWith(minted.toArray(String[]::new)).doesNotHaveDuplicates();

        String otherMembers = node.service().post(org.path() + "/members/" + fx.member(org, "other",
                fx.roleId(org, "User")) + "/keys", Map.of()).get("id").stringValue();
        String replica = node.service().post("/v1/replica-keys", Map.of()).get("id").stringValue();
        Map<String, String> forms = Map.of(keys, listForm(keys), "/v1/replica-keys", listForm("/v1/replica-keys"));
        for (String position : List.of(otherMembers, replica, "0123456789abcdef01234567", "not-a-key")) {
            for (String list : List.of(keys, "/v1/replica-keys")) {
                if (list.equals("/v1/replica-keys") && position.equals(replica)) {
                    continue;
                }
                Http.Res res = node.service().get(list + "?cursor=" + cursorOf(forms.get(list), position));
                assertThat(res.status()).as("%s after %s: %s", list, position, res).isEqualTo(400);
                assertThat(res.get("code").stringValue()).isEqualTo("invalid_cursor");
            }
        }
        assertThat(node.service().get("/v1/replica-keys?cursor=" + cursorOf(forms.get("/v1/replica-keys"), replica))
                .status()).isEqualTo(200);
        node.service().delete("/v1/replica-keys/" + replica);
    }

    /**
     * The form of the cursors of {@code list}: a {@code next_cursor} it wrote, decoded, up to the position (the
     * list's tag, which ties a cursor to the list, and a colon).
     */
    private static String listForm(String list) {
        String text = new String(java.util.Base64.getUrlDecoder().decode(node.service().get(list + "?limit=1")
                .get("next_cursor").stringValue()), java.nio.charset.StandardCharsets.UTF_8);
        return text.substring(0, text.indexOf(':', text.indexOf(':') + 1) + 1);
    }

    /** A cursor as the API writes one for a list of {@code form}, for a position of the caller's choosing. */
    private static String cursorOf(String form, String position) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString((form + position)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    /**
     * Removing a member takes its keys with it, and each key not revoked before is recorded as revoked (an
     * {@code api_key} {@code deleted} event, before the member's own), whichever route removes it: a receiver that
     * follows keys through the events keeps none of a removed member's. A key revoked earlier is not recorded again.
     */
    @Test
    void removingAMember_recordsTheRevocationOfEachOfItsKeys() {
        var org = fx.org("close");
        long member = fx.member(org, "removed", fx.roleId(org, "User"));
        List<String> ids = new ArrayList<>();
        for (String name : List.of("laptop", "phone", "old")) {
            ids.add(node.service().post(org.path() + "/members/" + member + "/keys", Map.of("name", name))
                    .get("id").stringValue());
        }
        assertThat(node.service().delete(org.path() + "/members/" + member + "/keys/" + ids.get(2)).status())
                .isEqualTo(204);
        Http.Res removed = node.service().delete(org.path() + "/members/" + member);
        assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
        JsonNode revocations = node.service().get(org.path() + "/events?object_type=api_key&action=deleted").json()
                .get("items");
        assertThat(revocations).extracting(e -> e.get("object_id").stringValue())
                .as("each key once, the one revoked before not again").containsExactlyInAnyOrderElementsOf(ids);
        JsonNode memberDeleted = node.service().get(org.path() + "/events?object_type=member&action=deleted").json()
                .get("items").get(0);
        assertThat(memberDeleted.get("revision").longValue()).isEqualTo(removed.revision());

        var rooms = fx.org("rooms");
        long agent = fx.member(rooms, "leaving", fx.role(rooms, "Agent", List.of("canCreateRooms")));
        String key = node.service().post(rooms.path() + "/members/" + agent + "/keys", Map.of("name", "k"))
                .get("id").stringValue();
        assertThat(rooms.admin().delete("/restapi/v2/accounts/" + rooms.accountId() + "/users/" + agent).status())
                .isEqualTo(204);
        assertThat(node.service().get(rooms.path() + "/events?object_type=api_key&action=deleted").json().get("items"))
                .extracting(e -> e.get("object_id").stringValue()).containsExactly(key);
    }

    @Test
    void everyWayOfDeactivating_revokesTheKeys() {
        var close = fx.org("close");
        long user = fx.member(close, "closed", fx.roleId(close, "User"));
        Http closeKey = fx.keyFor(close, user);
        String membership = closeKey.get("/api/v1/me/").json().at("/memberships/0/id").stringValue();
        assertThat(close.admin().delete("/api/v1/membership/" + membership + "/").status()).isEqualTo(200);
        assertThat(closeKey.get(close.path()).get("code").stringValue()).isEqualTo("key_revoked");

        var rooms = fx.org("rooms");
        long agent = fx.member(rooms, "locked", fx.role(rooms, "Agent", List.of("canCreateRooms")));
        Http roomsKey = fx.keyFor(rooms, agent);
        String base = "/restapi/v2/accounts/" + rooms.accountId();
        assertThat(rooms.admin().post(base + "/users/" + agent + "/lock", Map.of("reason", "left")).status())
                .isEqualTo(204);
        assertThat(rooms.admin().post(base + "/users/" + agent + "/unlock", Map.of()).status()).isEqualTo(204);
        assertThat(roomsKey.get(rooms.path()).get("code").stringValue()).isEqualTo("key_revoked");
    }

    @Test
    void memberManagers_listAndRevokeOthersKeys_butNeverMintThem() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        long member = fx.member(org, "owner", user);
        Http.Res created = node.service().post(org.path() + "/members/" + member + "/keys", Map.of("name", "lost"));
        String lost = created.get("id").stringValue();
        Http lostKey = node.as(created.get("key").stringValue());
        Http colleague = fx.keyFor(org, fx.member(org, "colleague", user));
        String keys = org.path() + "/members/" + member + "/keys";

        assertThat(colleague.get(keys).status()).isEqualTo(403);
        assertThat(colleague.delete(keys + "/" + lost).status()).isEqualTo(403);
        Http.Res mint = org.admin().post(keys, Map.of("name", "minted for someone else"));
        assertThat(mint.status()).isEqualTo(403);
        assertThat(mint.json().has("key")).isFalse();

        assertThat(org.admin().get(keys).json().get("items")).extracting(k -> k.get("id").stringValue()).contains(lost);
        assertThat(org.admin().delete(keys + "/" + lost).status()).isEqualTo(204);
        assertThat(lostKey.get(org.path()).status()).isEqualTo(401);
        JsonNode revoked = node.service().get(org.path() + "/events?object_type=api_key&action=deleted").json()
                .get("items").get(0);
        assertThat(revoked.get("object_id").stringValue()).isEqualTo(lost);
        assertThat(revoked.at("/actor/member_id").longValue()).isEqualTo(org.adminId());
    }

    @Test
    void closeRateLimits_countPerMember_whicheverKeyIsUsed() {
        try (TestNode limited = TestNode.start(c -> c.withCloseRateLimit(new RateLimit(3, 3600)))) {
            Fixtures lfx = new Fixtures(limited);
            var org = lfx.org("close");
            long member = lfx.member(org, "busy", lfx.roleId(org, "User"));
            Http first = lfx.keyFor(org, member);
            for (int i = 0; i < 3; i++) {
                assertThat(first.get("/api/v1/me/").status()).isEqualTo(200);
            }
            assertThat(first.get("/api/v1/me/").status()).isEqualTo(429);
            Http.Res fresh = lfx.keyFor(org, member).get("/api/v1/me/");
            assertThat(fresh.status()).as("a freshly minted key of the same member").isEqualTo(429);
            assertThat(fresh.header("RateLimit")).contains("remaining=0");
            assertThat(lfx.keyFor(org, lfx.member(org, "other", lfx.roleId(org, "User"))).get("/api/v1/me/").status())
                    .as("another member's budget").isEqualTo(200);
        }
    }

    /**
     * A replica key asked for while its organization is being deleted is either made (and goes with it) or a 404:
     * it was a raw 409 {@code referenced} when the deletion committed between the organization's read and the key's
     * insert.
     */
    @Test
    void aReplicaKeyForAnOrganizationBeingDeleted_isA404() throws Exception {
        var org = fx.org("close");
        CompletableFuture<Http.Res> deletion;
        CompletableFuture<Http.Res> key;
        try (OrgRowLock lock = OrgRowLock.hold(node, org.id())) {
            deletion = CompletableFuture.supplyAsync(() -> node.service().delete(org.path()));
            Await.until(Duration.ofSeconds(15), "the deletion waits for the organization", () -> lock.waiters() == 1);
            key = CompletableFuture.supplyAsync(() -> node.service().post("/v1/replica-keys",
                    Map.of("org_id", org.id())));
            Await.until(Duration.ofSeconds(15), "the key's write waits behind it", () -> lock.lockWaits() == 2);
        }
        assertThat(deletion.get(15, TimeUnit.SECONDS).status()).isEqualTo(204);
        Http.Res made = key.get(15, TimeUnit.SECONDS);
        assertThat(made.status()).as(made.toString()).isEqualTo(404);
        assertThat(made.get("code").stringValue()).isEqualTo("organization_not_found");
    }

    /**
     * A request whose member is removed while it waits for its write is answered as a new request with its key is,
     * {@code invalid_key} (the key went with its member): it was {@code key_member_inactive}, the code of an invited
     * or deactivated member.
     */
    @Test
    void aWriteQueuedBehindItsMembersRemoval_isAnInvalidKey() throws Exception {
        var org = fx.org("close");
        long member = fx.member(org, "leaving-admin", fx.roleId(org, "Admin"));
        Http key = fx.keyFor(org, member);
        assertThat(key.get(org.path()).status()).as("the key is known").isEqualTo(200);
        CompletableFuture<Http.Res> removal;
        CompletableFuture<Http.Res> write;
        try (OrgRowLock lock = OrgRowLock.hold(node, org.id())) {
            removal = CompletableFuture.supplyAsync(() -> node.service().delete(org.path() + "/members/" + member));
            Await.until(Duration.ofSeconds(15), "the removal waits for the organization", () -> lock.waiters() == 1);
            write = CompletableFuture.supplyAsync(() -> key.post(org.path() + "/groups", Map.of("name", "late")));
            Await.until(Duration.ofSeconds(15), "the key's write waits behind it", () -> lock.lockWaits() == 2);
        }
        assertThat(removal.get(15, TimeUnit.SECONDS).status()).isEqualTo(204);
        Http.Res late = write.get(15, TimeUnit.SECONDS);
        Http.Res fresh = key.get(org.path());
        assertThat(fresh.status()).isEqualTo(401);
        assertThat(late.status()).as(late.toString()).isEqualTo(401);
        assertThat(late.get("code").stringValue()).isEqualTo(fresh.get("code").stringValue()).isEqualTo("invalid_key");
    }
}
