package dev.gatehouse.sql;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link NameKey}: Unicode's full case folding of a composed name, without the Turkic rules. */
class NameKeyTest {

    @Test
    void namesThatLookTheSameIgnoringCase_haveOneKey() {
        List<List<String>> same = List.of(
                List.of("Stra\u00dfe", "STRASSE", "strasse", "STRA\u1e9eE"),
                List.of("\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2", "\u03bf\u03b4\u03bf\u03c3"),
                List.of("\u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3", "\u03c3\u03af\u03c3\u03c5\u03c6\u03bf\u03c2"),
                List.of("R\u00e9sum\u00e9", "Re\u0301sume\u0301", "R\u00c9SUM\u00c9"),
                List.of("\ufb01le", "FILE"),
                List.of("\u0130stanbul", "i\u0307stanbul"));
        for (List<String> names : same) {
            String key = NameKey.of(names.get(0));
            assertThat(names).as("%s", names).allSatisfy(n -> assertThat(NameKey.of(n)).isEqualTo(key));
            assertThat(NameKey.of(key)).as("a key is its own key").isEqualTo(key);
        }
        assertThat(NameKey.of("Stra\u00dfe")).isEqualTo("strasse");
        assertThat(NameKey.of("\u039f\u0394\u039f\u03a3")).isEqualTo("\u03bf\u03b4\u03bf\u03c3");
    }

    @Test
    void namesThatDifferBeyondCase_keepTheirKeysApart() {
        List<List<String>> apart = List.of(
                List.of("I", "\u0131"),
                List.of("KIRMIZI", "k\u0131rm\u0131z\u0131"),
                List.of("\uff21", "A"),
                List.of("Sales", "Sales "));
        for (List<String> pair : apart) {
            assertThat(NameKey.of(pair.get(0))).as("%s", pair).isNotEqualTo(NameKey.of(pair.get(1)));
        }
        assertThat(NameKey.of("k\u0131rm\u0131z\u0131")).isEqualTo("k\u0131rm\u0131z\u0131");
    }

    @Test
    void anObjectsOwnName_composedOrAsStored_isNoRename_whileAChangeOfCaseIs() {
        assertThat(NameKey.renamed("Re\u0301sume\u0301", "R\u00e9sum\u00e9")).isEqualTo("Re\u0301sume\u0301");
        assertThat(NameKey.renamed("Re\u0301sume\u0301", "Re\u0301sume\u0301")).isEqualTo("Re\u0301sume\u0301");
        assertThat(NameKey.renamed("R\u00e9sum\u00e9", "Re\u0301sume\u0301")).isEqualTo("R\u00e9sum\u00e9");
        assertThat(NameKey.renamed("Re\u0301sume\u0301", "R\u00c9SUM\u00c9")).isEqualTo("R\u00c9SUM\u00c9");
        assertThat(NameKey.renamed("STRASSE", "Strasse")).isEqualTo("Strasse");
    }
}
