package dev.gatehouse.engine;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {

    @Test
    void permissions_areNumberedInCatalogOrder_andReadBackInIt() {
        Catalog docs = DecisionEngineTest.DOCS;
        assertThat(docs.numberOf("doc.write")).isEqualTo(1);
        assertThat(docs.numberOf("doc.fly")).isEqualTo(-1);
        assertThat(docs.keys(docs.bits(List.of("records.all", "doc.read", "doc.fly"))))
                .containsExactly("doc.read", "records.all");
    }

    @Test
    void aPermission_appliesOnTheResourceTypesItNames() {
        Catalog docs = DecisionEngineTest.DOCS;
        assertThat(docs.keys(docs.applicableOn("room"))).containsExactly("doc.read", "doc.write", "doc.delete");
    }

    @Test
    void anInconsistentCatalog_isRefused_namingTheValue() {
        assertThatThrownBy(() -> new Catalog("m", List.of(new Catalog.Permission("a", Set.of()),
                new Catalog.Permission("a", Set.of())), List.of())).hasMessage("catalog m: duplicate permission a");
        assertThatThrownBy(() -> new Catalog("m", List.of(new Catalog.Permission("a", Set.of("ship"))), List.of()))
                .hasMessage("catalog m: permission a names unknown resource type ship");
        assertThatThrownBy(() -> new Catalog("m", List.of(), List.of(new Catalog.ResourceType("t", true),
                new Catalog.ResourceType("t", false)))).hasMessage("catalog m: duplicate resource type t");
    }

    @Test
    void manyPermissions_spanSeveralWords() {
        List<Catalog.Permission> permissions = new java.util.ArrayList<>();
        for (int i = 0; i < 130; i++) {
            permissions.add(new Catalog.Permission("p" + i, Set.of()));
        }
        Catalog big = new Catalog("big", permissions, List.of());
        assertThat(big.keys(big.bits(List.of("p0", "p64", "p129")))).containsExactly("p0", "p64", "p129");
    }
}
