package dev.gatehouse.http.v1;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native API's offices and regions, as its own fields name them: the rules are the offices' service's, shared
 * with the Rooms dialect, and an error about an office's region names {@code region_id} here, as {@code regionId}
 * is Rooms' name for it.
 */
class OfficesIT {

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

    /**
     * In a v5 company an office needs a region: created without one, moved out of its region, or given a region that
     * does not exist, the 400 names {@code region_id}. It named Rooms' {@code regionId}, a field the native API
     * does not have.
     */
    @Test
    void anOfficesRegion_isNamedRegionId_inNativeErrors() {
        Fixtures.Org org = fx.org("rooms_v5");
        Http api = org.admin();
        Http.Res region = api.post(org.path() + "/regions", Map.of("name", "North"));
        assertThat(region.status()).as("%s", region).isEqualTo(201);
        Http.Res office = api.post(org.path() + "/offices", Map.of("name", "O1", "region_id", region.get("id")
                .intValue()));
        assertThat(office.status()).as("%s", office).isEqualTo(201);

        regionRefused(api.post(org.path() + "/offices", Map.of("name", "O2")), "is required");
        regionRefused(api.post(org.path() + "/offices", Map.of("name", "O3", "region_id", 2147483000)),
                "no region 2147483000 exists");
        Map<String, Object> leave = new HashMap<>();
        leave.put("region_id", null);
        String path = org.path() + "/offices/" + office.get("id").intValue();
        regionRefused(api.patch(path, leave), "is required");
        regionRefused(api.patch(path, Map.of("region_id", 2147483000)), "no region 2147483000 exists");
    }

    /** Office and region ids are 32-bit, as openapi.yaml says: a larger one is a 400, not a lookup that misses. */
    @Test
    void anIdBeyondThirtyTwoBits_isAnInvalidId() {
        Fixtures.Org org = fx.org("rooms_v5");
        for (String path : List.of("/offices/2147483648", "/regions/99999999999")) {
            Http.Res res = org.admin().get(org.path() + path);
            assertThat(res.status()).as("%s: %s", path, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_id");
        }
        assertThat(org.admin().get(org.path() + "/offices/2147483647").status()).isEqualTo(404);
    }

    /**
     * An office's address part that shows nothing — empty, a space, a no-break space, a zero-width space — is a 400
     * {@code invalid_input} naming each such field, through {@code POST} and {@code PATCH}, that changes nothing, as
     * the Rooms dialect refuses it: both read the same office. {@code null} clears a part. Before, the office was
     * stored with the blanks sent, which Rooms clients then read although their dialect calls them invalid.
     */
    @Test
    void anOfficesBlankAddress_isRefusedNamingEachField_asRoomsRefusesIt() {
        Fixtures.Org org = fx.org("rooms");
        Http api = org.admin();
        long before = node.appliedRevision();
        Map<String, Object> body = Map.of("name", "Native blank", "address1", "\u00a0", "city", " ",
                "phone", "\u200b", "postal_code", "", "time_zone_id", "\u3164");
        Http.Res refused = api.post(org.path() + "/offices", body);
        blankRefused(refused, "address1", "city", "phone", "postal_code", "time_zone_id");
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        assertThat(api.get(org.path() + "/offices?q=Native").get("items").size()).isZero();

        Http.Res office = api.post(org.path() + "/offices", Map.of("name", "Native", "city", "Oslo", "phone", "+47"));
        assertThat(office.status()).as("%s", office).isEqualTo(201);
        String path = org.path() + "/offices/" + office.get("id").intValue();
        blankRefused(api.patch(path, Map.of("city", "\u2060", "country_id", "\t")), "city", "country_id");
        assertThat(api.get(path).get("city").stringValue()).isEqualTo("Oslo");
        Map<String, Object> clear = new HashMap<>();
        clear.put("city", null);
        Http.Res cleared = api.patch(path, clear);
        assertThat(cleared.status()).as("%s", cleared).isEqualTo(200);
        assertThat(cleared.json().get("city").isNull()).isTrue();
        assertThat(cleared.get("phone").stringValue()).isEqualTo("+47");
    }

    /**
     * An address part stored blank by an older build is still read, through this API and Rooms', and a {@code PATCH}
     * of another field keeps it rather than failing because of it.
     */
    @Test
    void anAddressStoredBlankBefore_isRead_andAPatchOfAnotherFieldKeepsIt() {
        Fixtures.Org org = fx.org("rooms");
        Http api = org.admin();
        int id = api.post(org.path() + "/offices", Map.of("name", "Older")).get("id").intValue();
        TestDatabase.jdbi(node.databaseUrl()).useHandle(h -> h.createUpdate("UPDATE offices SET address1 = :a, "
                + "city = :c, phone = :p WHERE id = :id").bind("a", "\u00a0").bind("c", " ").bind("p", "\u200b")
                .bind("id", id).execute());
        String path = org.path() + "/offices/" + id;
        Http.Res read = api.get(path);
        assertThat(read.status()).as("%s", read).isEqualTo(200);
        assertThat(read.get("address1").stringValue()).isEqualTo("\u00a0");
        Http.Res rooms = node.service().get("/restapi/v2/accounts/" + org.accountId() + "/offices/" + id);
        assertThat(rooms.status()).as("%s", rooms).isEqualTo(200);
        assertThat(rooms.get("city").stringValue()).isEqualTo(" ");

        Http.Res patched = api.patch(path, Map.of("name", "Older, renamed", "postal_code", "0150"));
        assertThat(patched.status()).as("%s", patched).isEqualTo(200);
        assertThat(patched.get("name").stringValue()).isEqualTo("Older, renamed");
        assertThat(patched.get("phone").stringValue()).as("kept as stored").isEqualTo("\u200b");
        assertThat(patched.get("city").stringValue()).isEqualTo(" ");
    }

    private static void blankRefused(Http.Res res, String... fields) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("code").stringValue()).isEqualTo("invalid_input");
        assertThat(res.get("errors").propertyNames()).as("%s", res).containsExactlyInAnyOrder(fields);
        for (String field : fields) {
            assertThat(res.get("errors").get(field).stringValue()).as("%s", res)
                    .isEqualTo("must not be blank: leave it out, or send null, for none");
        }
    }

    private static void regionRefused(Http.Res res, String reason) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("errors").has("regionId")).as("%s", res).isFalse();
        assertThat(res.get("errors").get("region_id").stringValue()).as("%s", res).startsWith(reason);
    }
}
