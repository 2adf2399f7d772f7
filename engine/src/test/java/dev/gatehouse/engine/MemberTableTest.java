package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemberTableTest {

    @Test
    void wordPacksRoleAndFlags() {
        long word = MemberTable.word(42, false, true);
        assertThat(MemberTable.roleId(word)).isEqualTo(42);
        assertThat(MemberTable.active(word)).isTrue();
        assertThat(MemberTable.external(word)).isFalse();
        assertThat(MemberTable.hasGrants(word)).isFalse();
        long external = MemberTable.word(0, true, false);
        assertThat(external).isNotZero();
        assertThat(MemberTable.roleId(external)).isZero();
        assertThat(MemberTable.external(external)).isTrue();
        assertThat(MemberTable.active(external)).isFalse();
        long largest = MemberTable.word(MemberTable.MAX_ROLE_ID, true, true);
        assertThat(MemberTable.roleId(largest)).isEqualTo(MemberTable.MAX_ROLE_ID);
        assertThat(largest).isPositive();
        assertThatThrownBy(() -> MemberTable.word(MemberTable.MAX_ROLE_ID + 1, false, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role id");
        assertThatThrownBy(() -> MemberTable.word(-1, false, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void putGetRemove_andTheGrantsFlagSurvivesUpdates() {
        MemberTable table = new MemberTable();
        assertThat(table.word(1)).isZero();
        assertThat(table.entry(1)).isNull();
        table.put(1, "alice", MemberTable.word(3, false, true), true);
        table.put(9, "bob", MemberTable.word(0, true, true), false);
        assertThat(table.entry(1)).isEqualTo(new MemberEntry(1, "alice", 3, false, true));
        assertThat(MemberTable.hasGrants(table.word(1))).isTrue();
        // an update keeps the grants flag, whatever the caller says of grants
        table.put(1, "alice", MemberTable.word(4, false, false), false);
        assertThat(MemberTable.hasGrants(table.word(1))).isTrue();
        assertThat(table.entry(1)).isEqualTo(new MemberEntry(1, "alice", 4, false, false));
        table.setGrants(1, false);
        assertThat(MemberTable.hasGrants(table.word(1))).isFalse();
        assertThat(MemberTable.roleId(table.word(1))).isEqualTo(4);
        table.setGrants(12345, true);
        assertThat(table.word(12345)).isZero();
        assertThat(table.size()).isEqualTo(2);
        table.remove(1);
        table.remove(777);
        assertThat(table.word(1)).isZero();
        assertThat(table.entry(9)).isEqualTo(new MemberEntry(9, "bob", 0, true, true));
        assertThat(table.size()).isEqualTo(1);
        table.put(1, "alice-again", MemberTable.word(5, false, true), false);
        assertThat(table.entry(1)).isEqualTo(new MemberEntry(1, "alice-again", 5, false, true));
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void aNewUserIdMovesTheMember_keepingItsGrantsFlag() {
        MemberTable table = new MemberTable(2);
        for (long id = 1; id <= 5; id++) {
            table.put(id, "u" + id, MemberTable.word(id, false, true), id == 3);
        }
        for (int round = 0; round < 100; round++) {
            table.put(3, "renamed-" + round, MemberTable.word(round + 1L, false, true), false);
            assertThat(table.entry(3)).isEqualTo(new MemberEntry(3, "renamed-" + round, round + 1L, false, true));
            assertThat(MemberTable.hasGrants(table.word(3))).isTrue();
        }
        assertThat(table.size()).isEqualTo(5);
        List<Long> visited = new ArrayList<>();
        table.forEach((id, word) -> visited.add(id));
        assertThat(visited).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void rejectsNonPositiveIdsAndNullUserIds() {
        MemberTable table = new MemberTable();
        long word = MemberTable.word(1, false, true);
        assertThatThrownBy(() -> table.put(0, "x", word, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.put(-7, "x", word, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.put(1, null, word, false)).isInstanceOf(NullPointerException.class);
        assertThat(table.size()).isZero();
    }

    @Test
    void tombstonesArePurged_soChurnDoesNotGrowTheTable() {
        MemberTable table = new MemberTable();
        long initial = table.tableBytes();
        for (long id = 1; id <= 100_000; id++) {
            table.put(id, "u", MemberTable.word(1, false, true), false);
            table.remove(id);
        }
        assertThat(table.size()).isZero();
        assertThat(table.tableBytes()).isLessThanOrEqualTo(initial);
        table.put(7, "seven", MemberTable.word(2, false, true), false);
        assertThat(table.entry(7)).isEqualTo(new MemberEntry(7, "seven", 2, false, true));
    }

    /** Random puts, renames, grant flags and removals, with keys that collide in small tables, against a HashMap. */
    @Test
    void randomOperations_agreeWithAHashMap() {
        MemberTable table = new MemberTable(2);
        Map<Long, MemberEntry> expected = new HashMap<>();
        Map<Long, Boolean> grants = new HashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            // keys spaced by a power of two collide often in the low bits, the hash must spread them
            long id = 1 + random.nextLong(5_000) * (random.nextBoolean() ? 1 : 1024);
            int kind = random.nextInt(10);
            if (kind < 2) {
                table.remove(id);
                expected.remove(id);
                grants.remove(id);
            } else if (kind < 4) {
                boolean any = random.nextBoolean();
                table.setGrants(id, any);
                if (expected.containsKey(id)) {
                    grants.put(id, any);
                }
            } else {
                MemberEntry entry = new MemberEntry(id, "user-" + random.nextInt(3), random.nextLong(1_000),
                        random.nextBoolean(), random.nextBoolean());
                boolean any = random.nextBoolean();
                table.put(id, entry.userId(), MemberTable.word(entry.roleId(), entry.external(), entry.active()),
                        any);
                grants.putIfAbsent(id, any);
                expected.put(id, entry);
            }
        }
        assertThat(table.size()).isEqualTo(expected.size());
        for (Map.Entry<Long, MemberEntry> e : expected.entrySet()) {
            assertThat(table.entry(e.getKey())).isEqualTo(e.getValue());
            assertThat(MemberTable.hasGrants(table.word(e.getKey()))).as("grants of %d", e.getKey())
                    .isEqualTo(grants.get(e.getKey()));
        }
        for (long id = 1; id <= 5_000; id++) {
            assertThat(table.word(id) != 0L).isEqualTo(expected.containsKey(id));
        }
        Map<Long, MemberEntry> visited = new HashMap<>();
        table.forEachEntry(m -> assertThat(visited.put(m.id(), m)).as("visited twice: %d", m.id()).isNull());
        assertThat(visited).isEqualTo(expected);
    }

    /**
     * One writer renames members (a new user id and a new role together), grows and empties the table while
     * readers look members up. The stable members are never removed: a reader must always find them, and the role
     * it reads must be the one written with the user id it reads — a rename is seen whole or not at all.
     */
    @Test
    void concurrentReaders_neverSeeAMissingMemberOrAHalfRename() throws Exception {
        MemberTable table = new MemberTable();
        int stable = 2_000;
        for (long id = 1; id <= stable; id++) {
            table.put(id, "u" + id + "-0", MemberTable.word(1, false, true), false);
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
                        long id = 1 + random.nextLong(stable);
                        if (table.word(id) == 0L) {
                            failures.add("stable member " + id + " missing");
                        }
                        MemberEntry e = table.entry(id);
                        if (e == null) {
                            failures.add("stable member " + id + " missing as entry");
                        } else {
                            long version = Long.parseLong(e.userId().substring(e.userId().indexOf('-') + 1));
                            if (e.roleId() != version + 1) {
                                failures.add("member " + id + " read as " + e);
                            }
                        }
                        n++;
                    }
                } finally {
                    reads.addAndGet(n);
                    done.countDown();
                }
            }, "member-table-reader-" + r).start();
        }
        SplittableRandom random = new SplittableRandom(7);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        long version = 0;
        while (System.nanoTime() < deadline && failures.isEmpty()) {
            for (long id = stable + 1; id <= stable + 20_000; id++) {
                table.put(id, "x", MemberTable.word(1, false, true), false);
                if ((id & 7) == 0) {
                    long s = 1 + random.nextLong(stable);
                    version++;
                    table.put(s, "u" + s + "-" + version, MemberTable.word(version + 1, false, true), false);
                }
            }
            for (long id = stable + 1; id <= stable + 20_000; id++) {
                table.remove(id);
            }
        }
        stop.set(true);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(table.size()).isEqualTo(stable);
    }

    /** The user id index beside the table: random puts and conditional removals against a HashMap. */
    @Test
    void userIdIndex_agreesWithAHashMap() {
        UserIdIndex index = new UserIdIndex();
        Map<String, Long> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            String userId = (random.nextBoolean() ? "user-" : "Aa") + random.nextInt(3_000);
            long id = 1 + random.nextInt(5);
            if (random.nextInt(3) == 0) {
                index.remove(userId, id);
                expected.remove(userId, id);
            } else {
                index.put(userId, id);
                expected.put(userId, id);
            }
        }
        assertThat(index.size()).isEqualTo(expected.size());
        for (int n = 0; n < 3_000; n++) {
            for (String userId : List.of("user-" + n, "Aa" + n)) {
                assertThat(index.get(new String(userId.toCharArray()))).isEqualTo(expected.get(userId));
            }
        }
        UserIdIndex copy = new UserIdIndex();
        index.copyInto(copy);
        assertThat(copy.size()).isEqualTo(expected.size());
        expected.forEach((userId, id) -> assertThat(copy.get(userId)).isEqualTo(id));
    }
}
