package dev.gatehouse.http;

import dev.gatehouse.error.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class QueryParametersTest {

    private static final QueryParameters EVENTS = QueryParameters.of("limit", "order").andRepeatable("action");

    /** {@code name=value} parts, grouped by name in order of appearance, as the server hands them over. */
    private static Map<String, List<String>> query(String... parts) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String part : parts) {
            String[] pair = part.split("=", 2);
            query.computeIfAbsent(pair[0], name -> new ArrayList<>()).add(pair.length == 2 ? pair[1] : "");
        }
        return query;
    }

    @Test
    void declaredParameters_pass_repeatableOnesGivenSeveralTimes() {
        EVENTS.check(query());
        EVENTS.check(query("limit=5", "action=created", "action=updated,deleted"));
        EVENTS.check(query("order="));
    }

    @Test
    void unknownAndRepeatedSingleValuedOnes_areRefusedTogether_inDeclarationTerms() {
        InvalidInputException refused = catchThrowableOfType(InvalidInputException.class, () -> EVENTS.check(
                query("colour=blue", "limit=1", "action=a", "limit=2", "action=b")));
        assertThat(refused.code()).isEqualTo("invalid_query");
        assertThat(refused.fieldErrors()).isEqualTo(Map.of("colour", "unknown parameter",
                "limit", "given 2 times; give it once"));
        assertThat(refused.detail()).isEqualTo("colour: unknown parameter; limit: given 2 times; give it once; "
                + "this route reads limit, order, action (repeatable)");
    }

    @Test
    void aRouteReadingNothing_refusesEveryParameter_butAStraySeparator() {
        QueryParameters.NONE.check(query("", ""));
        InvalidInputException refused = catchThrowableOfType(InvalidInputException.class,
                () -> QueryParameters.NONE.check(query("=x")));
        assertThat(refused.fieldErrors()).containsOnlyKeys("");
        assertThat(refused.detail()).isEqualTo("(no name): unknown parameter; this route reads no query parameter");
    }

    @Test
    void aNameDeclaredTwice_isABug() {
        assertThatThrownBy(() -> QueryParameters.of("limit").andRepeatable("limit"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> QueryParameters.of("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void declarations_readBack() {
        assertThat(EVENTS.names()).containsExactly("limit", "order", "action");
        assertThat(EVENTS.repeatable("action")).isTrue();
        assertThat(EVENTS.repeatable("limit")).isFalse();
        assertThat(EVENTS.repeatable("colour")).isFalse();
        assertThat(QueryParameters.of("a").and("b")).isEqualTo(QueryParameters.of("a", "b"));
    }
}
