package dev.gatehouse.http.close;

import dev.gatehouse.json.Fields;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Field errors keyed as Close keys them: by the body's field, never by a position inside it. */
class CloseFieldErrorsTest {

    @Test
    void itemsOfAList_areReportedOnTheList() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("events[0]", "unknown type");
        raw.put("name", "is required");
        raw.put("events[12].object_type", "must be a string");
        assertThat(CloseApi.closeFieldErrors(raw)).containsOnly(
                Map.entry("events", "Item 0: unknown type; Item 12, object_type: must be a string"),
                Map.entry("name", "This field is required."));
    }

    @Test
    void aMissingField_isCloseWords_alsoInAnItem() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("email", Fields.REQUIRED);
        raw.put("events[1].action", Fields.REQUIRED);
        raw.put("url", "is required when the moon is full");
        assertThat(CloseApi.closeFieldErrors(raw)).containsOnly(
                Map.entry("email", "This field is required."),
                Map.entry("events", "Item 1, action: This field is required."),
                Map.entry("url", "is required when the moon is full"));
    }

    @Test
    void itemsOfOneList_areJoinedInTheItemsOrder_whateverOrderTheyCameIn() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("permissions[10]", "ten");
        raw.put("permissions[2]", "two");
        assertThat(CloseApi.closeFieldErrors(raw))
                .containsExactly(Map.entry("permissions", "Item 2: two; Item 10: ten"));
    }

    @Test
    void reasonsJoined_dropTheirClosingPeriod_beforeTheSeparator() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("saved_view_ids[1]", "Not a saved view id: \"bad\".");
        raw.put("saved_view_ids[0]", "Not one.");
        raw.put("saved_view_ids[3]", "must be a string");
        assertThat(CloseApi.closeFieldErrors(raw)).containsExactly(Map.entry("saved_view_ids",
                "Item 0: Not one; Item 1: Not a saved view id: \"bad\"; Item 3: must be a string"));
    }

    @Test
    void servicesNames_becomeClosesNames_alsoForAnItem() {
        assertThat(CloseApi.closeFieldErrors(Map.of("visibility.user_field_ids[2]", "must not be blank")))
                .containsExactly(Map.entry("visibility_user_lcf_ids", "Item 2: must not be blank"));
        assertThat(CloseApi.closeFieldErrors(Map.of("_params._limit", "not a value")))
                .containsExactly(Map.entry("_params._limit", "not a value"));
    }
}
