package dev.gatehouse.bulk;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link LineReader} on bodies that arrive whole or a byte at a time, so that a {@code \r\n} or the byte order mark
 * is split between reads: the lines are the same either way.
 */
class LineReaderTest {

    private static final int LIMIT = 8;

    @Test
    void aLineOfTheLimit_endedByCrlf_isRead_evenWithTheCrlfSplitBetweenReads() throws IOException {
        for (boolean trickled : new boolean[] {false, true}) {
            assertThat(lines("12345678\r\nabc\r\n", trickled)).as("trickled: %s", trickled)
                    .containsExactly("1 12345678", "2 abc");
        }
    }

    @Test
    void aLineOverTheLimit_isTooLong_withLfOrCrlf_orACrEndingTheBody() {
        List<String> bodies = List.of("123456789\n", "123456789\r\n", "12345678\r", "12345678\r\r\n", "x\n12345678\rx\n");
        for (String body : bodies) {
            for (boolean trickled : new boolean[] {false, true}) {
                LineFailure failure = catchThrowableOfType(LineFailure.class, () -> lines(body, trickled));
                assertThat(failure).as("%s, trickled: %s", body, trickled).isNotNull();
                assertThat(failure.reason().code()).isEqualTo("line_too_long");
                assertThat(failure.line()).isEqualTo(body.startsWith("x") ? 2 : 1);
            }
        }
    }

    @Test
    void aByteOrderMarkStartingTheBody_isSkipped_whateverFollowsIt() throws IOException {
        for (boolean trickled : new boolean[] {false, true}) {
            assertThat(lines("\uFEFF{}\n", trickled)).containsExactly("1 {}");
            assertThat(lines("\uFEFF\n{}\n", trickled)).containsExactly("1 ", "2 {}");
            assertThat(lines("\uFEFF12345678\n", trickled)).as("not counted in the line").containsExactly("1 12345678");
            assertThat(lines("\uFEFF", trickled)).isEmpty();
            assertThat(lines("\uFE00\n", trickled)).as("a first byte alike").containsExactly("1 \uFE00");
            assertThat(lines("{}\n\uFEFF\n", trickled)).as("not after the start").containsExactly("1 {}", "2 \uFEFF");
        }
    }

    /** Each line read as "number text". */
    private static List<String> lines(String body, boolean trickled) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, trickled ? Math.min(1, len) : len);
            }
        };
        LineReader reader = new LineReader(in, LIMIT, line -> { });
        List<String> lines = new ArrayList<>();
        for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
            lines.add(line.number() + " " + new String(line.bytes(), StandardCharsets.UTF_8));
        }
        return lines;
    }
}
