package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a table or a plan shows of a value ({@link Display}): control characters and what would reorder a line
 * escaped, so a row stays one line; widths in terminal columns — two for East Asian Wide and Fullwidth, none for a
 * combining mark — so the columns of a table line up on a terminal.
 */
class DisplayTest {

    @Test
    void controlCharacters_areEscaped_andOtherTextIsLeftAsItIs() {
        assertThat(Display.escaped("line\nfeed\r\ttab\u0007bell\u001b[31mred\u007f\u0085"))
                .isEqualTo("line\\nfeed\\r\\ttab\\u0007bell\\u001b[31mred\\u007f\\u0085");
        assertThat(Display.escaped("evil\u202Etxt.exe\u2028next")).isEqualTo("evil\\u202etxt.exe\\u2028next");
        String plain = "Café 営業部 C:\\path";
        assertThat(Display.escaped(plain)).isSameAs(plain);
    }

    @Test
    void counted_isSingularForOne_andPluralForAnyOtherCount() {
        assertThat(Display.counted(1, "line")).isEqualTo("1 line");
        assertThat(Display.counted(0, "line")).isEqualTo("0 lines");
        assertThat(Display.counted(2, "organization")).isEqualTo("2 organizations");
    }

    @Test
    void width_countsWideAsTwo_andCombiningAsNone() {
        assertThat(Display.width("Agent")).isEqualTo(5);
        assertThat(Display.width("営業部")).isEqualTo(6);
        assertThat(Display.width("한국어")).isEqualTo(6);
        assertThat(Display.width("ｱＡ")).isEqualTo(3); // halfwidth katakana 1, fullwidth A 2
        assertThat(Display.width("e\u0301")).isEqualTo(1);
        assertThat(Display.width("\u1112\u1161\u11ab")).isEqualTo(2); // a Hangul syllable from its jamo
        assertThat(Display.width("a\u200bb")).isEqualTo(2);
        assertThat(Display.width("😀")).isEqualTo(2);
        assertThat(Display.width("\u3000")).isEqualTo(2);
        assertThat(Display.width("\uD840\uDC0B")).isEqualTo(2); // U+2000B, CJK Extension B
        assertThat(Display.width("½é")).isEqualTo(2);
    }

    @Test
    void tableRows_stayOneLineEach_withColumnsAlignedByDisplayWidth() {
        Table.Columns<String[]> columns = Table.Columns.of(Table.col("NAME", r -> r[0]), Table.col("NEXT", r -> r[1]));
        StringWriter out = new StringWriter();
        Table.rows(new PrintWriter(out, true), columns, List.of(new String[] {"営業部", "x"},
                new String[] {"Cafe\u0301", "y"}, new String[] {"two\nlines", "z"}, new String[] {"ab", "w"}));
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).containsExactly(
                "NAME        NEXT",
                "営業部      x",
                "Cafe\u0301        y",
                "two\\nlines  z",
                "ab          w");
        for (String line : lines) {
            assertThat(Display.width(line.substring(0, line.length() - (line.startsWith("NAME") ? 4 : 1))))
                    .as(line).isEqualTo(12);
        }
    }
}
