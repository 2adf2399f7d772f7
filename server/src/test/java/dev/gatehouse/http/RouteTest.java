package dev.gatehouse.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

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
}
