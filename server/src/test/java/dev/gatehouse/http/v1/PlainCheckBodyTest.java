package dev.gatehouse.http.v1;

import dev.gatehouse.decision.OrgDecisions.CheckRequest;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.json.Fields;
import dev.gatehouse.member.MemberRef;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlainCheckBodyTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"user_id\":\"u7\",\"permission\":\"canViewRoomDetails\",\"resource\":{\"type\":\"room\",\"id\":\"7\"}}",
            "{\"permission\":\"read\",\"user_id\":\"t3-u17\"}",
            " { \"resource\" : { \"id\" : \"r 1\", \"type\" : \"room\" }, \"permission\" : \"read\", \"user_id\" : \"u\" } ",
            "{\"user_id\":\"\",\"permission\":\"\"}",
            "{\"user_id\":\"caf\\u00e9\\tx\",\"permission\":\"read\"}",
            "{\"user_id\":\"\\ud83d\\ude00\",\"permission\":\"read\"}",
    })
    void aPlainBody_readsAsTheGeneralWayReadsIt(String body) {
        CheckRequest fast = PlainCheckBody.read(bytes(body));
        Fields f = Fields.of(bytes(body));
        CheckRequest general = DecisionsResource.parseCheck(f);
        assertThat(f.hasErrors()).isFalse();
        assertThat(fast).isNotNull().isEqualTo(general);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "[]",
            "null",
            "{}",
            "{\"user_id\":\"u\"}",
            "{\"permission\":\"read\"}",
            "{\"member_id\":7,\"permission\":\"read\"}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"explain\":true}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"min_revision\":3}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"other\":1}",
            "{\"user_id\":\"u\",\"user_id\":\"v\",\"permission\":\"read\"}",
            "{\"user_id\":null,\"permission\":\"read\"}",
            "{\"user_id\":7,\"permission\":\"read\"}",
            "{\"user_id\":\"u\",\"permission\":[\"read\"]}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"resource\":null}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"resource\":{\"type\":\"room\"}}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"resource\":{\"id\":\"1\"}}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"resource\":{\"type\":\"room\",\"id\":7}}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"resource\":{\"type\":\"room\",\"id\":\"\"}}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"resource\":{\"type\":\"room\",\"id\":\"1\",\"x\":1}}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"resource\":{\"type\":\"room\",\"type\":\"doc\",\"id\":\"1\"}}",
            "{\"user_id\":\"u\",\"permission\":\"read\",\"resource\":{\"type\":\"room\",\"id\":\"1\"},\"resource\":{\"type\":\"room\",\"id\":\"1\"}}",
            "{\"user_id\":\"u\\u0000\",\"permission\":\"read\"}",
            "{\"user_id\":\"\\ud83d\",\"permission\":\"read\"}",
            "{\"user_id\":\"u\",\"permission\":\"read\"} {}",
            "{\"user_id\":\"u\",\"permission\":\"read\"",
            "{\"user_id\":\"u\",\"permission\":\"read\",}",
    })
    void anyOtherBody_isLeftToTheGeneralWay(String body) {
        assertThat(PlainCheckBody.read(bytes(body))).isNull();
    }

    /** The parser decodes an overlong form as the character it spells ({@code C0 BC}: '<'); the general way refuses. */
    @ParameterizedTest
    @ValueSource(strings = {"C0BC", "C080", "E080AF", "F4908080", "EDB0AF", "FF"})
    void aBodyThatIsNotUtf8_isLeftToTheGeneralWay_whichRefusesIt(String hex) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        byte[] head = bytes("{\"user_id\":\"u");
        byte[] tail = bytes("\",\"permission\":\"read\"}");
        byte[] body = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(bad, 0, body, head.length, bad.length);
        System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
        assertThat(PlainCheckBody.read(body)).isNull();
        assertThatThrownBy(() -> Fields.of(body)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.detail()).contains("not valid UTF-8"));
    }

    @Test
    void theLimits_areTheGeneralWays() {
        String at = "x".repeat(200);
        assertThat(PlainCheckBody.read(bytes("{\"user_id\":\"" + at + "\",\"permission\":\"" + "p".repeat(128) + "\","
                + "\"resource\":{\"type\":\"" + "t".repeat(64) + "\",\"id\":\"" + at + "\"}}")))
                .isEqualTo(new CheckRequest(MemberRef.userId(at), "p".repeat(128), "t".repeat(64), at, false));
        assertThat(PlainCheckBody.read(bytes("{\"user_id\":\"" + at + "x\",\"permission\":\"p\"}"))).isNull();
        assertThat(PlainCheckBody.read(bytes("{\"user_id\":\"u\",\"permission\":\"" + "p".repeat(129) + "\"}"))).isNull();
        assertThat(PlainCheckBody.read(bytes("{\"user_id\":\"u\",\"permission\":\"p\",\"resource\":{\"type\":\""
                + "t".repeat(65) + "\",\"id\":\"1\"}}"))).isNull();
        assertThat(PlainCheckBody.read(bytes("{\"user_id\":\"u\",\"permission\":\"p\",\"resource\":{\"type\":\"t\","
                + "\"id\":\"" + at + "x\"}}"))).isNull();
        String emoji = "\uD83D\uDE00".repeat(200); // 200 characters, 400 UTF-16 units: a resource id as any other
        assertThat(PlainCheckBody.read(bytes("{\"user_id\":\"u\",\"permission\":\"p\",\"resource\":{\"type\":\"t\","
                + "\"id\":\"" + emoji + "\"}}"))).isEqualTo(new CheckRequest(MemberRef.userId("u"), "p", "t", emoji, false));
        assertThat(PlainCheckBody.read(bytes("{\"user_id\":\"u\",\"permission\":\"p\",\"resource\":{\"type\":\"t\","
                + "\"id\":\"" + emoji + "x\"}}"))).isNull();
    }

    @Test
    void thePlainAnswer_isWhatTheGeneralWayWrites() {
        for (boolean allowed : new boolean[] {true, false}) {
            for (long revision : new long[] {0, 20, Long.MAX_VALUE}) {
                String general = dev.gatehouse.json.Json.writeString(dev.gatehouse.json.Json.object()
                        .put("allowed", allowed).put("revision", revision));
                assertThat(new String(DecisionsResource.plainAnswer(allowed, revision), StandardCharsets.UTF_8))
                        .isEqualTo(general);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
