package dev.gatehouse.http.close;

import dev.gatehouse.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class CloseEventFilterTest {

    private static final JsonNode EVENT = Json.readTree("""
            {"object_type": "membership", "action": "updated", "user_id": "user_a", "lead_id": null,
             "changed_fields": ["role_id", "track_email_opens"], "count": 3,
             "data": {"role_id": "superuser", "permissions_granted": ["export", "calling"],
                      "members": [{"user_id": "ann"}, {"user_id": "bob"}]}}""");

    private static JsonNode f(String json) {
        JsonNode filter = Json.readTree(json);
        assertThat(CloseEventFilter.problem(filter)).as(json).isNull();
        return filter;
    }

    private static boolean matches(String json) {
        return CloseEventFilter.matches(f(json), EVENT);
    }

    private static String field(String name, String inner) {
        return "{\"type\": \"field_accessor\", \"field\": \"" + name + "\", \"filter\": " + inner + "}";
    }

    @Test
    void equalsAndNotEquals_compareTheWholeValue() {
        assertThat(matches(field("user_id", "{\"type\": \"equals\", \"value\": \"user_a\"}"))).isTrue();
        assertThat(matches(field("user_id", "{\"type\": \"equals\", \"value\": \"user\"}"))).isFalse();
        assertThat(matches(field("user_id", "{\"type\": \"not_equals\", \"value\": \"user_b\"}"))).isTrue();
        assertThat(matches(field("count", "{\"type\": \"equals\", \"value\": 3.0}"))).isTrue();
        assertThat(matches(field("count", "{\"type\": \"equals\", \"value\": \"3\"}"))).isFalse();
        assertThat(matches(field("lead_id", "{\"type\": \"equals\", \"value\": null}"))).isTrue();
    }

    @Test
    void nullChecks_treatAMissingFieldAsNull() {
        assertThat(matches(field("lead_id", "{\"type\": \"is_null\"}"))).isTrue();
        assertThat(matches(field("no_such_field", "{\"type\": \"is_null\"}"))).isTrue();
        assertThat(matches(field("user_id", "{\"type\": \"non_null\"}"))).isTrue();
        assertThat(matches(field("lead_id", "{\"type\": \"non_null\"}"))).isFalse();
    }

    @Test
    void contains_findsAnArrayElementOrASubstring() {
        assertThat(matches(field("changed_fields", "{\"type\": \"contains\", \"value\": \"role_id\"}"))).isTrue();
        assertThat(matches(field("changed_fields", "{\"type\": \"contains\", \"value\": \"role\"}"))).isFalse();
        assertThat(matches(field("user_id", "{\"type\": \"contains\", \"value\": \"er_\"}"))).isTrue();
        assertThat(matches(field("lead_id", "{\"type\": \"contains\", \"value\": \"x\"}"))).isFalse();
    }

    @Test
    void accessorsReachIntoObjectsAndArrays() {
        assertThat(matches(field("data", field("role_id", "{\"type\": \"equals\", \"value\": \"superuser\"}"))))
                .isTrue();
        assertThat(matches(field("data", field("members", "{\"type\": \"any_array_value\", \"filter\": "
                + field("user_id", "{\"type\": \"equals\", \"value\": \"bob\"}") + "}")))).isTrue();
        assertThat(matches(field("data", field("members", "{\"type\": \"any_array_value\", \"filter\": "
                + field("user_id", "{\"type\": \"equals\", \"value\": \"cid\"}") + "}")))).isFalse();
        // an accessor on something that is not an object sees null
        assertThat(matches(field("user_id", field("x", "{\"type\": \"is_null\"}")))).isTrue();
        assertThat(matches("{\"type\": \"any_array_value\", \"filter\": {\"type\": \"non_null\"}}")).isFalse();
    }

    @Test
    void andOrNot_combine() {
        String isUpdate = field("action", "{\"type\": \"equals\", \"value\": \"updated\"}");
        String isGroup = field("object_type", "{\"type\": \"equals\", \"value\": \"group\"}");
        assertThat(matches("{\"type\": \"and\", \"filters\": [" + isUpdate + ", " + isGroup + "]}")).isFalse();
        assertThat(matches("{\"type\": \"or\", \"filters\": [" + isUpdate + ", " + isGroup + "]}")).isTrue();
        assertThat(matches("{\"type\": \"not\", \"filter\": " + isGroup + "}")).isTrue();
    }

    @Test
    void problem_namesWhatIsWrong() {
        assertThat(CloseEventFilter.problem(Json.readTree("\"equals\""))).contains("object");
        assertThat(CloseEventFilter.problem(Json.readTree("{\"type\": \"regex\", \"value\": \"x\"}")))
                .contains("unknown filter type \"regex\"");
        assertThat(CloseEventFilter.problem(Json.readTree("{\"type\": \"equals\"}"))).contains("value");
        assertThat(CloseEventFilter.problem(Json.readTree("{\"type\": \"equals\", \"value\": [1]}"))).contains("value");
        assertThat(CloseEventFilter.problem(Json.readTree("{\"type\": \"equals\", \"value\": 1, \"x\": 1}")))
                .contains("no \"x\"");
        assertThat(CloseEventFilter.problem(Json.readTree("{\"type\": \"and\", \"filters\": []}"))).contains("filters");
        assertThat(CloseEventFilter.problem(Json.readTree("{\"type\": \"field_accessor\", \"filter\": "
                + "{\"type\": \"is_null\"}}"))).contains("field");
        assertThat(CloseEventFilter.problem(Json.readTree("{\"type\": \"not\"}"))).contains("object");
        String deep = "{\"type\": \"is_null\"}";
        for (int i = 0; i < CloseEventFilter.MAX_DEPTH; i++) {
            deep = "{\"type\": \"not\", \"filter\": " + deep + "}";
        }
        assertThat(CloseEventFilter.problem(Json.readTree(deep))).contains("deeper");
    }

    @Test
    void wants_needsAnEntryWithTheEventsTypeAndAction_andItsFilter() {
        JsonNode options = Json.readTree("""
                {"events": [{"object_type": "group", "action": "updated"},
                            {"object_type": "membership", "action": "updated", "extra_filter":
                              {"type": "field_accessor", "field": "user_id", "filter": {"type": "equals", "value": "user_b"}}}]}""");
        assertThat(CloseWebhookFormat.wants(options, EVENT)).isFalse();
        JsonNode byA = Json.readTree(options.toString().replace("user_b", "user_a"));
        assertThat(CloseWebhookFormat.wants(byA, EVENT)).isTrue();
        assertThat(CloseWebhookFormat.wants(Json.readTree("{\"events\": [{\"object_type\": \"membership\", "
                + "\"action\": \"activated\"}]}"), EVENT)).isFalse();
    }
}
