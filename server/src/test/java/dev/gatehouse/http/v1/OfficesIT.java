package dev.gatehouse.http.v1;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
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

    private static void regionRefused(Http.Res res, String reason) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("errors").has("regionId")).as("%s", res).isFalse();
        assertThat(res.get("errors").get("region_id").stringValue()).as("%s", res).startsWith(reason);
    }
}
