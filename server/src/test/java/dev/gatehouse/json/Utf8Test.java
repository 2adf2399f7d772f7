package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link Utf8} takes exactly what the JDK's strict decoder takes, and {@link Json#parse} refuses the rest. */
class Utf8Test {

    /** Every sequence of one to four bytes from a set that covers each boundary of Unicode's table. */
    @Test
    void everyShortSequence_isJudgedAsTheJdksStrictDecoderJudgesIt() {
        int[] edges = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
                0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFF};
        int judged = 0;
        for (int a : edges) {
            for (int b : edges) {
                for (int c : edges) {
                    for (int d : edges) {
                        // a closing ASCII byte, so that a cut-off sequence is malformed for both
                        byte[] text = {(byte) a, (byte) b, (byte) c, (byte) d, 'x'};
                        assertThat(Utf8.firstMalformed(text) < 0).as(HexFormat.of().formatHex(text))
                                .isEqualTo(strictlyDecodes(text));
                        judged++;
                    }
                }
            }
        }
        assertThat(judged).isEqualTo(edges.length * edges.length * edges.length * edges.length);
    }

    @Test
    void aSequenceCutOffByTheEnd_isLeftToTheParser_whichSaysTheTextEndedThere() {
        assertThat(Utf8.firstMalformed(new byte[] {'"', (byte) 0xE2, (byte) 0x82})).isEqualTo(-1);
        assertThat(Utf8.firstMalformed(new byte[] {'"', (byte) 0xE0, (byte) 0x80})).as("overlong already").isEqualTo(1);
        assertThat(MalformedJsonTest.detail("{\"a\": \"\u00e2\u0082")).contains("ends inside a string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"C0BC", "C0AF", "C080", "C1BF", "E080AF", "E09FBF", "F08080AF", "F08FBFBF", "F4908080",
            "F7BFBFBF", "EDA080", "EDBFBF", "FF", "80", "F8888080", "E282"})
    void parse_refusesWhatIsNotUtf8_sayingWhere(String hex) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.writeBytes("{\n \"name\": \"ov".getBytes(StandardCharsets.UTF_8));
        text.writeBytes(HexFormat.of().parseHex(hex));
        text.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        byte[] body = text.toByteArray();
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> Json.parse(body));
        assertThat(e).as(hex).isNotNull();
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.detail()).isEqualTo("malformed JSON: the text is not valid UTF-8 (line 2, column 13)");
    }

    private static boolean strictlyDecodes(byte[] text) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(text));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
