package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conditional header a route does not evaluate is refused before it runs, in every dialect and its error shape,
 * never performed as if the condition held: {@code If-Match} and {@code If-None-Match} on the Close and Rooms writes
 * (whose objects carry no version), {@code If-Unmodified-Since} on every write (nothing keeps a modification date).
 * A read of one versioned object evaluates {@code If-Match} against its ETag (412 when it names another version).
 */
class ConditionsIT {

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

    @Test
    void conditions_onDialectWrites_areRefusedInTheDialectsShape_andChangeNothing() {
        Fixtures.Org close = fx.org("close");
        Http closeAdmin = node.as(close.adminKey());
        String group = closeAdmin.post("/api/v1/group/", Map.of("name", "Held")).get("id").stringValue();
        Fixtures.Org rooms = fx.org("rooms");
        Http roomsAdmin = node.as(rooms.adminKey());
        String roles = "/restapi/v2/accounts/" + rooms.accountId() + "/roles";
        int role = roomsAdmin.post(roles, Map.of("name", "Kept", "isExternal", false, "permissions", Map.of()))
                .get("roleId").intValue();
        long revision = node.revision();
        for (String[] condition : List.of(new String[] {"If-Match", "\"999\"", "if_match_unsupported"},
                new String[] {"If-Match", "*", "if_match_unsupported"},
                new String[] {"If-None-Match", "*", "if_none_match_unsupported"},
                new String[] {"If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT",
                        "if_unmodified_since_unsupported"})) {
            String sent = condition[0] + ": " + condition[1];
            Http closed = closeAdmin.header(condition[0], condition[1]);
            Http.Res renamed = closed.put("/api/v1/group/" + group + "/", Map.of("name", "Renamed"));
            assertThat(renamed.status()).as("Close PUT %s: %s", sent, renamed).isEqualTo(400);
            assertThat(renamed.body()).as(sent).contains(condition[0]);
            Http.Res created = closed.post("/api/v1/group/", Map.of("name", "New"));
            assertThat(created.status()).as("Close POST %s: %s", sent, created).isEqualTo(400);

            Http roomed = roomsAdmin.header(condition[0], condition[1]);
            for (Http.Res res : List.of(roomed.put(roles + "/" + role, Map.of("name", "Renamed", "isExternal", false,
                    "permissions", Map.of())), roomed.delete(roles + "/" + role), roomed.post(roles, Map.of("name",
                    "New", "isExternal", false, "permissions", Map.of())))) {
                assertThat(res.status()).as("Rooms %s: %s", sent, res).isEqualTo(400);
                assertThat(res.get("errorCode")).as("Rooms' shape: %s", res).isNotNull();
                assertThat(res.body()).as(sent).contains(condition[0]);
            }
        }
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);
        // an empty header asks nothing, as in the native API
        assertThat(closeAdmin.header("If-Match", "").put("/api/v1/group/" + group + "/", Map.of("name", "Renamed"))
                .status()).isEqualTo(200);
        assertThat(roomsAdmin.header("If-None-Match", " ").delete(roles + "/" + role).status()).isEqualTo(204);
    }

    @Test
    void ifUnmodifiedSince_onANativeWrite_isRefused_pointingToIfMatch() {
        Fixtures.Org org = fx.org("close");
        long role = fx.role(org, "Dated", List.of("view_all_leads"));
        String path = org.path() + "/roles/" + role;
        Http.Res held = node.service().get(path);
        Http.Res res = node.service().header("If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT")
                .patch(path, Map.of("name", "Changed"));
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("code").stringValue()).isEqualTo("if_unmodified_since_unsupported");
        assertThat(res.get("detail").stringValue()).contains("send If-Match");
        assertThat(node.service().get(path).json()).isEqualTo(held.json());
        Http.Res created = node.service().header("If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT")
                .post(org.path() + "/groups", Map.of("name", "Dated"));
        assertThat(created.status()).as("%s", created).isEqualTo(400);
        assertThat(created.get("detail").stringValue()).contains("without If-Unmodified-Since");
        // a read ignores it: no object keeps a modification date (RFC 9110, 13.1.4)
        assertThat(node.service().header("If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT").get(path).status())
                .isEqualTo(200);
    }

    @Test
    void ifMatch_onARead_isEvaluatedAgainstTheETag_andRefusedWhereThereIsNone() {
        Fixtures.Org org = fx.org("close");
        long role = fx.role(org, "Read", List.of("view_all_leads"));
        String path = org.path() + "/roles/" + role;
        Http.Res full = node.service().get(path);
        String etag = full.header("ETag");
        Http.Res stale = node.service().header("If-Match", "\"999\"").get(path);
        assertThat(stale.status()).as("%s", stale).isEqualTo(412);
        assertThat(stale.get("code").stringValue()).isEqualTo("version_mismatch");
        assertThat(node.service().header("If-Match", "W/" + etag).get(path).status()).as("strong").isEqualTo(412);
        for (String tag : List.of(etag, "*", "")) {
            Http.Res res = node.service().header("If-Match", tag).get(path);
            assertThat(res.status()).as("If-Match: %s -> %s", tag, res).isEqualTo(200);
            assertThat(res.json()).isEqualTo(full.json());
        }
        Http.Res list = node.service().header("If-Match", "\"1\"").get(org.path() + "/roles");
        assertThat(list.status()).as("%s", list).isEqualTo(400);
        assertThat(list.get("code").stringValue()).isEqualTo("if_match_unsupported");
    }
}
