package dev.gatehouse.http;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTest {

    private static final io.javalin.http.Handler NOTHING = ctx -> {
    };

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/orgs/{org}/import | /v1/orgs/7/import        | true",
            "/v1/orgs/{org}/import | /v1/orgs/abc/import      | true",
            "/v1/orgs/{org}/import | /v1/orgs//import         | false",
            "/v1/orgs/{org}/import | /v1/orgs/7/import/       | false",
            "/v1/orgs/{org}/import | /v1/orgs/7/imports       | false",
            "/v1/orgs/{org}/import | /v1/orgs/7/impor         | false",
            "/v1/orgs/{org}/import | /v1/orgs/7               | false",
            "/v1/orgs/{org}/import | /v1/orgs/7/import/x      | false",
            "/v1/orgs/{org}/import | /v2/orgs/7/import        | false",
            "/v1/orgs/{org}/import | v1/orgs/7/import         | false",
            "/v1/orgs/{org}/import | ''                       | false",
            "/v1/orgs/{org}/import | /                        | false",
            "/healthz              | /healthz                 | true",
            "/healthz              | /healthz/                | false",
            "/healthz              | /                        | false",
            "/a/{x}/{y}            | /a/b/c                   | true",
            "/a/{x}/{y}            | /a/b/                    | false",
            "/a/{x}/{y}            | /a//c                    | false",
            "/                     | /                        | true",
            "/                     | //                       | false",
    })
    void matches_segmentBySegment_aParameterTakingAnyNonEmptySegment(String template, String path, boolean expected) {
        Route route = Route.post(template, NOTHING);
        assertThat(route.matches("POST", path)).isEqualTo(expected);
        assertThat(route.matches("post", path)).isEqualTo(expected);
        assertThat(route.matches("GET", path)).isFalse();
    }

    @Test
    void overlaps_whenSomePathMatchesBoth() {
        Route check = Route.postFirst("/v1/orgs/{org}/check", NOTHING);
        assertThat(check.overlaps(Route.post("/v1/orgs/{org}/{what}", NOTHING))).isTrue();
        assertThat(check.overlaps(Route.post("/v1/orgs/7/check", NOTHING))).isTrue();
        assertThat(check.overlaps(Route.post("/v1/{x}/{y}/check", NOTHING))).isTrue();
        assertThat(check.overlaps(Route.post("/v1/orgs/{org}/roles", NOTHING))).isFalse();
        assertThat(check.overlaps(Route.post("/v1/orgs/{org}/check/batch", NOTHING))).isFalse();
        assertThat(check.overlaps(Route.get("/v1/orgs/{org}/check", NOTHING))).isFalse();
    }

    @Test
    void registrationOrder_movesRoutesTriedFirstAhead_andRefusesToMoveOnePastAnOverlap() {
        Route roles = Route.post("/v1/orgs/{org}/roles", NOTHING);
        Route members = Route.get("/v1/orgs/{org}/members", NOTHING);
        Route check = Route.postFirst("/v1/orgs/{org}/check", NOTHING);
        Route batch = Route.postFirst("/v1/orgs/{org}/check/batch", NOTHING);
        assertThat(HttpServer.registrationOrder(List.of(roles, members, check, batch)))
                .containsExactly(check, batch, roles, members);
        Route any = Route.post("/v1/orgs/{org}/{what}", NOTHING);
        assertThatThrownBy(() -> HttpServer.registrationOrder(List.of(any, check)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("/v1/orgs/{org}/{what}");
        assertThat(HttpServer.registrationOrder(List.of(check, any))).containsExactly(check, any);
    }
}
