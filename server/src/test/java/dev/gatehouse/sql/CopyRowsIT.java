package dev.gatehouse.sql;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.TestDatabase;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows written by {@link CopyRows} read back from PostgreSQL exactly as written, value by value, whatever their
 * sizes: values of fixed size are written without a check of their own, in the room each row and each value of
 * variable length keep free, so rows are sized here to make the buffer grow at every kind of value — from a buffer
 * expecting one row, with texts, JSON and arrays from empty to far larger than it, and nulls.
 */
class CopyRowsIT {

    static final String COLUMNS = "id, n, t, b, tree, i, a, at, j, z";

    static Jdbi db;

    @BeforeAll
    static void start() {
        db = TestDatabase.jdbi(TestDatabase.freshDatabaseUrl());
        db.useHandle(h -> h.execute("CREATE TABLE copied (id integer PRIMARY KEY, n bigint, t text, b boolean, "
                + "i integer, at timestamptz, j jsonb, a text[], tree jsonb, z integer)"));
    }

    record Row(int id, Long n, String t, boolean b, int i, Instant at, String j, List<String> a, JsonNode tree,
               int z) {
    }

    @Test
    void rowsOfEverySizeReadBackAsWritten() {
        Random random = new Random(20261204);
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < 400; id++) {
            rows.add(new Row(id, random.nextInt(4) == 0 ? null : random.nextLong(), text(random),
                    random.nextBoolean(), random.nextInt(), random.nextInt(4) == 0 ? null
                    : Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000) * 1_000L),
                    random.nextInt(4) == 0 ? null : Json.MAPPER.writeValueAsString(tree(random)), array(random),
                    random.nextInt(4) == 0 ? null : tree(random), -id));
        }
        CopyRows copy = rows(1);
        rows.forEach(r -> write(copy, r));
        assertReadBack(List.of(copy), rows);
    }

    /**
     * A row alone, whose one value of variable length ends at each byte around the end of the rows' first buffer
     * (about 200 bytes), then values of fixed size: the room they are written in is the one the value left free.
     */
    @Test
    void aValueOfVariableLengthEndingAnywhereLeavesRoomForTheRest() {
        List<CopyRows> copies = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        int id = 10_000;
        for (int length = 0; length < 300; length++) {
            String t = "x".repeat(length);
            for (Row r : List.of(new Row(id++, 1L, t, true, 2, Instant.EPOCH, null, List.of(), null, 3),
                    new Row(id++, 1L, null, true, 2, Instant.EPOCH, null, List.of(), Json.MAPPER.createObjectNode()
                            .put("k", t), 3),
                    new Row(id++, 1L, null, true, 2, Instant.EPOCH, null, List.of(t), null, 3),
                    new Row(id++, 1L, null, true, 2, Instant.EPOCH, "\"" + t + "\"", List.of(), null, 3))) {
                CopyRows copy = rows(1);
                write(copy, r);
                copies.add(copy);
                rows.add(r);
            }
        }
        assertReadBack(copies, rows);
    }

    static CopyRows rows(int expected) {
        return new CopyRows("copied (" + COLUMNS + ")", 10, expected);
    }

    /** Each value of variable length followed by one of fixed size. */
    static void write(CopyRows copy, Row r) {
        copy.row().integer(r.id()).bigint(r.n()).text(r.t()).bool(r.b()).jsonb(r.tree()).integer(r.i())
                .textArray(r.a()).time(r.at()).jsonb(r.j()).integer(r.z());
    }

    static void assertReadBack(List<CopyRows> copies, List<Row> rows) {
        List<Row> read = db.inTransaction(h -> {
            copies.forEach(copy -> copy.copyInto(h));
            return h.createQuery("SELECT " + COLUMNS + " FROM copied WHERE id BETWEEN :first AND :last ORDER BY id")
                    .bind("first", rows.get(0).id()).bind("last", rows.get(rows.size() - 1).id())
                    .map((rs, ctx) -> new Row(rs.getInt("id"), (Long) rs.getObject("n"), rs.getString("t"),
                            rs.getBoolean("b"), rs.getInt("i"),
                            rs.getObject("at") == null ? null : rs.getObject("at", OffsetDateTime.class).toInstant(),
                            rs.getString("j"), Arrays.asList((String[]) rs.getArray("a").getArray()),
                            rs.getString("tree") == null ? null : Json.MAPPER.readTree(rs.getString("tree")),
                            rs.getInt("z"))).list();
        });
        assertThat(read).hasSize(rows.size());
        for (int k = 0; k < rows.size(); k++) {
            Row written = rows.get(k);
            Row back = read.get(k);
            assertThat(back.id()).isEqualTo(written.id());
            assertThat(back.n()).isEqualTo(written.n());
            assertThat(back.t()).isEqualTo(written.t());
            assertThat(back.b()).isEqualTo(written.b());
            assertThat(back.i()).isEqualTo(written.i());
            assertThat(back.at()).isEqualTo(written.at() == null ? null : written.at().truncatedTo(ChronoUnit.MICROS));
            assertThat(back.j() == null ? null : Json.MAPPER.readTree(back.j()))
                    .isEqualTo(written.j() == null ? null : Json.MAPPER.readTree(written.j()));
            assertThat(back.a()).isEqualTo(written.a());
            assertThat(back.tree()).isEqualTo(written.tree());
            assertThat(back.z()).isEqualTo(written.z());
        }
    }

    /** A text from empty to 20,000 characters, some of them beyond ASCII and beyond the basic plane; or null. */
    static String text(Random random) {
        if (random.nextInt(5) == 0) {
            return null;
        }
        int length = random.nextInt(3) == 0 ? random.nextInt(20_000) : random.nextInt(40);
        StringBuilder s = new StringBuilder();
        String[] pieces = {"a", "Z", "0", " ", "é", "Ü", "中", "😀"};
        while (s.length() < length) {
            s.append(pieces[random.nextInt(pieces.length)]);
        }
        return s.toString();
    }

    static List<String> array(Random random) {
        List<String> values = new ArrayList<>();
        for (int n = random.nextInt(4) == 0 ? 0 : random.nextInt(30); n > 0; n--) {
            String t = text(random);
            values.add(t == null ? "" : t);
        }
        return values;
    }

    static JsonNode tree(Random random) {
        ObjectNode tree = Json.MAPPER.createObjectNode();
        for (int n = random.nextInt(6); n > 0; n--) {
            String t = text(random);
            tree.put("k" + n, t == null ? "" : t);
        }
        tree.put("number", random.nextLong());
        return tree;
    }
}
