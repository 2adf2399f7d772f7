package dev.gatehouse.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceTableTest {

    /** The table's content as resource id → (member id → role id), sorted, read through {@link ResourceTable#forEach}. */
    private static Map<String, Map<Long, Long>> contentOf(ResourceTable table) {
        Map<String, Map<Long, Long>> out = new TreeMap<>();
        table.forEach(entry -> {
            assertThat(entry.memberIds).isSorted();
            Map<Long, Long> roles = new TreeMap<>();
            for (int i = 0; i < entry.memberIds.length; i++) {
                roles.put(entry.memberIds[i], entry.roleIds[i]);
            }
            assertThat(out.put(entry.resourceId, roles)).as("visited twice: %s", entry.resourceId).isNull();
        });
        return out;
    }

    @Test
    void putGetRemove_returningThePreviousRole() {
        ResourceTable table = new ResourceTable();
        assertThat(table.roleOf("doc-1", 7)).isZero();
        assertThat(table.put("doc-1", 7, 3)).isZero();
        assertThat(table.put("doc-1", 2, 4)).isZero();
        assertThat(table.put("doc-1", 9, 5)).isZero();
        assertThat(table.put("doc-1", 7, 6)).isEqualTo(3);
        assertThat(table.put("doc-1", 7, 6)).isEqualTo(6);
        assertThat(table.roleOf("doc-1", 7)).isEqualTo(6);
        assertThat(table.roleOf("doc-1", 2)).isEqualTo(4);
        assertThat(table.roleOf("doc-1", 9)).isEqualTo(5);
        assertThat(table.roleOf("doc-1", 8)).isZero();
        assertThat(table.roleOf("doc-2", 7)).isZero();
        assertThat(table.members("doc-1")).containsExactly(2, 7, 9);
        assertThat(table.members("doc-2")).isEmpty();
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.remove("doc-1", 8)).isZero();
        assertThat(table.remove("doc-2", 7)).isZero();
        assertThat(table.remove("doc-1", 7)).isEqualTo(6);
        assertThat(table.members("doc-1")).containsExactly(2, 9);
        assertThat(table.remove("doc-1", 2)).isEqualTo(4);
        assertThat(table.remove("doc-1", 9)).isEqualTo(5);
        assertThat(table.entry("doc-1")).isNull();
        assertThat(table.size()).isZero();
        assertThat(table.put("doc-1", 1, 1)).isZero();
        assertThat(table.entry("doc-1").memberIds).containsExactly(1);
        assertThatThrownBy(() -> table.put("doc-1", 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.put("doc-1", 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Ids of every length around the word boundaries, Latin-1 and not, empty, and prefixes of one another. */
    @Test
    void idsAreComparedExactly_latin1AndOtherwise() {
        List<String> ids = List.of("", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghijklmnop",
                "abcdefghijklmnopq", "é", "ÿÿÿÿÿÿÿÿ", "ā", "aā", "文書-1", "文書-12", "文書-123", "文書-1234", "😀", "a😀b",
                "doc-1", "doc-10", "doc-100", "doc-1\u0000", "\u0000");
        ResourceTable table = new ResourceTable();
        for (int i = 0; i < ids.size(); i++) {
            table.put(ids.get(i), i + 1, 100 + i);
        }
        for (int i = 0; i < ids.size(); i++) {
            String id = new String(ids.get(i).toCharArray());
            assertThat(table.roleOf(id, i + 1)).as("id %s", id).isEqualTo(100 + i);
            assertThat(table.entry(id).resourceId).isEqualTo(id);
        }
        assertThat(table.roleOf("abcdefgi", 4)).isZero();
        assertThat(table.roleOf("文書-5", 13)).isZero();
        assertThat(table.roleOf("ā", 9)).isZero();
        assertThat(contentOf(table).keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    /** Ids whose String hashes are equal ("Aa" and "BB" hash alike) share a hash and must be told apart by content. */
    @Test
    void equalHashes_areToldApartByTheirCharacters() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        ResourceTable table = new ResourceTable();
        List<String> ids = List.of("AaAa", "AaBB", "BBAa", "BBBB", "AaAaAa", "BBBBBB");
        for (int i = 0; i < ids.size(); i++) {
            table.put(ids.get(i), 1, i + 1);
        }
        for (int i = 0; i < ids.size(); i++) {
            assertThat(table.roleOf(ids.get(i), 1)).isEqualTo(i + 1);
        }
        table.remove("AaBB", 1);
        assertThat(table.roleOf("AaBB", 1)).isZero();
        assertThat(table.roleOf("BBAa", 1)).isEqualTo(3);
        assertThat(table.roleOf("BBBB", 1)).isEqualTo(4);
    }

    @Test
    void churn_doesNotGrowTheTable() {
        ResourceTable table = new ResourceTable();
        for (int i = 0; i < 1_000; i++) {
            table.put("doc-" + i, 1, 1);
        }
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 1_000; i++) {
                table.put("doc-" + i, 2 + round % 3, 1 + round);
                table.remove("doc-" + i, 2 + (round + 2) % 3);
                table.put("tmp-" + round + "-" + i, 5, 5);
                table.remove("tmp-" + round + "-" + i, 5);
            }
        }
        long settled = table.tableBytes();
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 1_000; i++) {
                table.put("doc-" + i, 7, round + 1);
                table.put("tmp-" + i, 5, 5);
                table.remove("tmp-" + i, 5);
            }
        }
        assertThat(table.tableBytes()).isLessThanOrEqualTo(settled * 2);
        assertThat(table.size()).isEqualTo(1_000);
        assertThat(table.roleOf("doc-999", 7)).isEqualTo(50);
        assertThat(table.roleOf("doc-999", 1)).isEqualTo(1);
    }

    /**
     * A short id's one assignment sits in its slot; a second member moves the resource to a record and removing
     * one moves it back; ids and roles too large for the slot, and ids too long for it, stay in records. Every
     * state reads the same through every question.
     */
    @Test
    void oneAssignmentInTheSlot_movesToARecordAndBack() {
        long bigMember = 1L << (64 - ResourceTable.ROLE_BITS);
        long bigRole = 1L << ResourceTable.ROLE_BITS;
        ResourceTable table = new ResourceTable();
        assertThat(table.put("doc-1", 7, 3)).isZero();
        long inlineOnly = table.tableBytes();
        assertThat(table.put("doc-1", 7, 4)).isEqualTo(3);
        assertThat(table.roleOf("doc-1", 7)).isEqualTo(4);
        assertThat(table.put("doc-1", 2, 5)).isZero();
        assertThat(table.members("doc-1")).containsExactly(2, 7);
        assertThat(table.roleOf("doc-1", 2)).isEqualTo(5);
        assertThat(table.roleOf("doc-1", 7)).isEqualTo(4);
        assertThat(table.remove("doc-1", 7)).isEqualTo(4);
        assertThat(table.roleOf("doc-1", 7)).isZero();
        assertThat(table.roleOf("doc-1", 2)).isEqualTo(5);
        assertThat(table.put("doc-1", 9, 1)).isZero();
        assertThat(table.remove("doc-1", 2)).isEqualTo(5);
        assertThat(table.members("doc-1")).containsExactly(9);
        assertThat(table.remove("doc-1", 9)).isEqualTo(1);
        assertThat(table.entry("doc-1")).isNull();
        assertThat(table.roleOf("doc-1", 9)).isZero();

        // the largest ids an inline slot holds, and one more of each
        assertThat(table.put("a", bigMember - 1, bigRole - 1)).isZero();
        assertThat(table.roleOf("a", bigMember - 1)).isEqualTo(bigRole - 1);
        assertThat(table.put("b", bigMember, 1)).isZero();
        assertThat(table.put("c", 1, bigRole)).isZero();
        assertThat(table.put("d", Long.MAX_VALUE, Long.MAX_VALUE)).isZero();
        assertThat(table.roleOf("b", bigMember)).isEqualTo(1);
        assertThat(table.roleOf("b", 0)).isZero();
        assertThat(table.roleOf("c", 1)).isEqualTo(bigRole);
        assertThat(table.roleOf("d", Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(table.put("c", 1, 2)).isEqualTo(bigRole);
        assertThat(table.put("c", 1, bigRole + 1)).isEqualTo(2);
        assertThat(table.put("a", 5, 6)).isZero();
        assertThat(table.remove("a", 5)).isEqualTo(6);
        assertThat(table.roleOf("a", bigMember - 1)).isEqualTo(bigRole - 1);
        assertThat(table.put("b", 3, 3)).isZero();
        assertThat(table.remove("b", 3)).isEqualTo(3);
        assertThat(table.roleOf("b", bigMember)).isEqualTo(1);
        assertThat(contentOf(table)).isEqualTo(Map.of("a", Map.of(bigMember - 1, bigRole - 1), "b",
                Map.of(bigMember, 1L), "c", Map.of(1L, bigRole + 1), "d", Map.of(Long.MAX_VALUE, Long.MAX_VALUE)));

        // eight Latin-1 characters fit the slot, nine do not; a character beyond Latin-1 never does
        for (String id : List.of("abcdefgh", "ÿÿÿÿÿÿÿÿ", "\u0000", "ab\u0000", "", "abcdefghi", "ā", "doc-ā")) {
            assertThat(table.put(id, 11, 12)).as(id).isZero();
        }
        for (String id : List.of("abcdefgh", "ÿÿÿÿÿÿÿÿ", "\u0000", "ab\u0000", "", "abcdefghi", "ā", "doc-ā")) {
            String copy = new String(id.toCharArray());
            assertThat(table.roleOf(copy, 11)).as(id).isEqualTo(12);
            assertThat(table.entry(copy).resourceId).isEqualTo(id);
        }
        for (String id : List.of("abcdefg", "ÿÿÿÿÿÿÿ", "ab", "ab\u0000\u0000", "\u0000\u0000", "abcdefgi", "Ā", "a")) {
            assertThat(table.roleOf(id, 11)).as(id).isZero();
        }

        // a thousand short ids with one assignment each take slots only: the arena stays at its first size
        ResourceTable slotsOnly = new ResourceTable();
        for (int i = 0; i < 1_000; i++) {
            slotsOnly.put("doc-" + i, 1 + i, 1 + i % 3);
        }
        assertThat(inlineOnly).isEqualTo(16 + 8 * 24 + 16 + 32 * 8);
        assertThat(slotsOnly.tableBytes()).isEqualTo(16 + 2_048 * 24 + 16 + 32 * 8);
        for (int i = 0; i < 1_000; i++) {
            assertThat(slotsOnly.roleOf("doc-" + i, 1 + i)).isEqualTo(1 + i % 3);
            assertThat(slotsOnly.roleOf("doc-" + i, 2 + i)).isZero();
        }
    }

    /**
     * Random puts and removals over short and long ids, Latin-1 and not, with ids too large for a slot now and
     * then, so that resources move between their slot and a record in every direction; against a map of maps.
     */
    @Test
    void randomOperations_inSlotsAndRecords_agreeWithAHashMap() {
        ResourceTable table = new ResourceTable();
        Map<String, Map<Long, Long>> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(4242);
        long bigMember = 1L << (64 - ResourceTable.ROLE_BITS);
        long bigRole = 1L << ResourceTable.ROLE_BITS;
        String[] shapes = {"d", "é", "document-", "資"};
        for (int step = 0; step < 200_000; step++) {
            int n = random.nextInt(2_000);
            String id = shapes[n % 4] + n;
            long member = random.nextInt(20) == 0 ? bigMember + random.nextInt(2) : 1 + random.nextInt(3);
            if (random.nextInt(5) < 2) {
                Map<Long, Long> roles = expected.get(id);
                Long previous = roles == null ? null : roles.remove(member);
                if (roles != null && roles.isEmpty()) {
                    expected.remove(id);
                }
                assertThat(table.remove(id, member)).as("step %d", step).isEqualTo(previous == null ? 0L : previous);
            } else {
                long role = random.nextInt(20) == 0 ? bigRole + random.nextInt(2) : 1 + random.nextInt(3);
                Long previous = expected.computeIfAbsent(id, k -> new HashMap<>()).put(member, role);
                assertThat(table.put(id, member, role)).as("step %d", step).isEqualTo(previous == null ? 0L : previous);
            }
            Map<Long, Long> roles = expected.getOrDefault(id, Map.of());
            for (long m : new long[] {1, 2, 3, bigMember, bigMember + 1}) {
                assertThat(table.roleOf(new String(id.toCharArray()), m)).as("step %d: %s, member %d", step, id, m)
                        .isEqualTo(roles.getOrDefault(m, 0L));
            }
            if (step % 40_000 == 0) {
                assertThat(contentOf(table)).isEqualTo(new TreeMap<>(expected));
            }
        }
        assertThat(table.size()).isEqualTo(expected.size());
        assertThat(contentOf(table)).isEqualTo(new TreeMap<>(expected));
    }

    /** Random puts and removals over many resources and members, against a map of maps, checked along the way. */
    @Test
    void randomOperations_agreeWithAHashMap() {
        ResourceTable table = new ResourceTable();
        Map<String, Map<Long, Long>> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int step = 0; step < 300_000; step++) {
            int n = random.nextInt(3_000);
            String id = n % 7 == 0 ? "資料-" + n : "r" + n;
            long member = 1 + random.nextInt(n % 10 == 0 ? 200 : 4);
            if (random.nextInt(3) == 0) {
                Map<Long, Long> roles = expected.get(id);
                Long previous = roles == null ? null : roles.remove(member);
                if (roles != null && roles.isEmpty()) {
                    expected.remove(id);
                }
                assertThat(table.remove(id, member)).isEqualTo(previous == null ? 0L : previous);
            } else {
                long role = 1 + random.nextInt(5);
                Long previous = expected.computeIfAbsent(id, k -> new HashMap<>()).put(member, role);
                assertThat(table.put(id, member, role)).isEqualTo(previous == null ? 0L : previous);
            }
            if (step % 50_000 == 0) {
                assertThat(contentOf(table)).isEqualTo(new TreeMap<>(expected));
            }
        }
        assertThat(table.size()).isEqualTo(expected.size());
        assertThat(contentOf(table)).isEqualTo(new TreeMap<>(expected));
        for (int n = 0; n < 3_000; n++) {
            String id = n % 7 == 0 ? "資料-" + n : "r" + n;
            Map<Long, Long> roles = expected.getOrDefault(id, Map.of());
            for (long member = 1; member <= 5; member++) {
                assertThat(table.roleOf(id, member)).isEqualTo(roles.getOrDefault(member, 0L));
            }
            assertThat(table.members(id)).containsExactly(new TreeMap<>(roles).keySet().stream().mapToLong(Long::longValue).toArray());
        }
    }

    /**
     * One writer adds and removes resources (growing and compacting the table) and rewrites the stable resources'
     * assignments while readers check them. A stable resource always holds member 1, whose role is rewritten
     * (each write a new record), and member 2 with role 2: a reader must always find both, whole — a record read
     * before it was completely written would show zeros.
     */
    @Test
    void concurrentReaders_neverSeeAMissingOrTornResource() throws Exception {
        ResourceTable table = new ResourceTable();
        int stable = 1_000;
        for (int i = 0; i < stable; i++) {
            table.put("s" + i, 1, 1);
            table.put("s" + i, 2, 2);
        }
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        int readers = 3;
        CountDownLatch done = new CountDownLatch(readers);
        for (int r = 0; r < readers; r++) {
            int seed = r;
            new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                long n = 0;
                try {
                    while (!stop.get() && failures.isEmpty()) {
                        String id = "s" + random.nextInt(stable);
                        if (table.roleOf(id, 1) == 0L) {
                            failures.add("stable resource " + id + " lost member 1");
                        }
                        ResourceEntry entry = table.entry(id);
                        if (entry == null || entry.size() != 2 || entry.memberIds[0] != 1 || entry.memberIds[1] != 2
                                || entry.roleIds[0] <= 0 || entry.roleIds[1] != 2) {
                            failures.add("stable resource " + id + " read as "
                                    + (entry == null ? null : List.of(entry.memberIds, entry.roleIds)));
                        }
                        n++;
                    }
                } finally {
                    reads.addAndGet(n);
                    done.countDown();
                }
            }, "resource-table-reader-" + r).start();
        }
        SplittableRandom random = new SplittableRandom(7);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        long version = 1;
        while (System.nanoTime() < deadline && failures.isEmpty()) {
            for (int i = 0; i < 20_000; i++) {
                table.put("x" + i, 1, 1);
                if ((i & 7) == 0) {
                    String id = "s" + random.nextInt(stable);
                    table.put(id, 1, ++version);
                }
            }
            for (int i = 0; i < 20_000; i++) {
                table.remove("x" + i, 1);
            }
        }
        stop.set(true);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(table.size()).isEqualTo(stable);
    }

    /**
     * Resources moving between their slot and a record while readers check them: each stable resource always holds
     * member 1 (its role rewritten now and then, in the slot or in a record), while the writer adds and removes
     * member 2 (role 2), moving the resource to a record and back, and grows the table with other resources. A
     * reader must always find member 1 with a role, and member 2 with role 2 or not at all — never a pair torn
     * between two writes.
     */
    @Test
    void concurrentReaders_seeWholePairsWhileResourcesMoveBetweenSlotAndRecord() throws Exception {
        ResourceTable table = new ResourceTable();
        int stable = 1_000;
        for (int i = 0; i < stable; i++) {
            table.put("t" + i, 1, 1);
        }
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        int readers = 2;
        CountDownLatch done = new CountDownLatch(readers);
        for (int r = 0; r < readers; r++) {
            int seed = r;
            new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                long n = 0;
                try {
                    while (!stop.get() && failures.isEmpty()) {
                        String id = "t" + random.nextInt(stable);
                        long one = table.roleOf(id, 1);
                        long two = table.roleOf(id, 2);
                        if (one <= 0L || (two != 0L && two != 2L)) {
                            failures.add(id + ": member 1 role " + one + ", member 2 role " + two);
                        }
                        ResourceEntry entry = table.entry(id);
                        if (entry == null || entry.memberIds[0] != 1 || entry.roleIds[0] <= 0 || entry.size() > 2
                                || (entry.size() == 2 && (entry.memberIds[1] != 2 || entry.roleIds[1] != 2))) {
                            failures.add(id + " read as " + (entry == null ? null
                                    : List.of(entry.memberIds, entry.roleIds)));
                        }
                        n++;
                    }
                } finally {
                    reads.addAndGet(n);
                    done.countDown();
                }
            }, "resource-table-mover-" + r).start();
        }
        SplittableRandom random = new SplittableRandom(11);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        long version = 1;
        while (System.nanoTime() < deadline && failures.isEmpty()) {
            for (int i = 0; i < 5_000; i++) {
                table.put("y" + i, 1, 1);
                String id = "t" + random.nextInt(stable);
                switch (random.nextInt(3)) {
                    case 0 -> table.put(id, 2, 2);
                    case 1 -> table.remove(id, 2);
                    default -> table.put(id, 1, 1 + ++version % 1_000);
                }
            }
            for (int i = 0; i < 5_000; i++) {
                table.remove("y" + i, 1);
            }
        }
        stop.set(true);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(table.size()).isEqualTo(stable);
    }
}
