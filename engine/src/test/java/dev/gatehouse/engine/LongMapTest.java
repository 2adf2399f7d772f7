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

class LongMapTest {

    /** A value that knows its key, so a reader can tell a value paired with the wrong key. */
    private record Entry(long key, long version) {
    }

    @Test
    void putGetRemove() {
        LongMap<String> map = new LongMap<>();
        assertThat(map.get(1)).isNull();
        map.put(1, "a");
        map.put(9, "b");
        map.put(1, "a2");
        assertThat(map.get(1)).isEqualTo("a2");
        assertThat(map.get(9)).isEqualTo("b");
        assertThat(map.size()).isEqualTo(2);
        map.remove(1);
        map.remove(12345);
        assertThat(map.get(1)).isNull();
        assertThat(map.get(9)).isEqualTo("b");
        assertThat(map.size()).isEqualTo(1);
        map.put(1, "again");
        assertThat(map.get(1)).isEqualTo("again");
        assertThat(map.size()).isEqualTo(2);
    }

    @Test
    void rejectsNonPositiveKeysAndNullValues() {
        LongMap<String> map = new LongMap<>();
        assertThatThrownBy(() -> map.put(0, "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> map.put(-7, "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-7");
        assertThatThrownBy(() -> map.put(Long.MIN_VALUE, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map.put(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void grows_andAgreesWithHashMap() {
        LongMap<Long> map = new LongMap<>(2);
        Map<Long, Long> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long key = 1 + random.nextLong(50_000);
            if (random.nextInt(4) == 0) {
                map.remove(key);
                expected.remove(key);
            } else {
                map.put(key, (long) i);
                expected.put(key, (long) i);
            }
        }
        assertThat(map.size()).isEqualTo(expected.size());
        for (long key = 1; key <= 50_000; key++) {
            assertThat(map.get(key)).as("key %d", key).isEqualTo(expected.get(key));
        }
        Map<Long, Long> visited = new HashMap<>();
        map.forEach((k, v) -> assertThat(visited.put(k, v)).as("visited twice: %d", k).isNull());
        assertThat(visited).isEqualTo(expected);
    }

    @Test
    void tombstones_arePurged_soChurnDoesNotGrowTheTable() {
        LongMap<String> map = new LongMap<>();
        long initial = map.tableBytes();
        for (long key = 1; key <= 100_000; key++) {
            map.put(key, "v");
            map.remove(key);
        }
        assertThat(map.size()).isZero();
        assertThat(map.tableBytes()).isLessThanOrEqualTo(initial);
        map.put(7, "seven");
        assertThat(map.get(7)).isEqualTo("seven");
    }

    /**
     * One writer grows, shrinks and overwrites the map while readers look keys up. Keys inserted before the
     * readers start are never removed, so readers must always find them, with a value for that very key,
     * through every rebuild; any other key read must be absent or carry its own value.
     */
    @Test
    void concurrentReaders_neverSeeTornOrMissingEntries() throws Exception {
        LongMap<Entry> map = new LongMap<>();
        int stable = 2_000;
        for (long key = 1; key <= stable; key++) {
            map.put(key, new Entry(key, 0));
        }
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        int readers = 3;
        CountDownLatch done = new CountDownLatch(readers);
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            int seed = r;
            threads.add(new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                long n = 0;
                try {
                    while (!stop.get() && failures.isEmpty()) {
                        long key = 1 + random.nextLong(stable);
                        Entry e = map.get(key);
                        if (e == null || e.key() != key) {
                            failures.add("stable key " + key + " read as " + e);
                        }
                        long other = stable + 1 + random.nextLong(200_000);
                        Entry o = map.get(other);
                        if (o != null && o.key() != other) {
                            failures.add("key " + other + " read with the value of " + o.key());
                        }
                        if ((++n & 0xFFFF) == 0) {
                            int[] seen = new int[1];
                            map.forEach((k, v) -> {
                                if (v.key() != k) {
                                    failures.add("forEach paired " + k + " with " + v.key());
                                }
                                if (k <= stable) {
                                    seen[0]++;
                                }
                            });
                            if (seen[0] != stable) {
                                failures.add("forEach visited " + seen[0] + " of " + stable + " stable keys");
                            }
                        }
                    }
                } finally {
                    reads.addAndGet(n);
                    done.countDown();
                }
            }, "longmap-reader-" + r));
        }
        threads.forEach(Thread::start);
        SplittableRandom random = new SplittableRandom(7);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        long version = 0;
        while (System.nanoTime() < deadline && failures.isEmpty()) {
            // Grow far past the current capacity, then empty again: many rebuilds and tombstones.
            for (long key = stable + 1; key <= stable + 50_000; key++) {
                map.put(key, new Entry(key, version));
                if ((key & 7) == 0) {
                    long s = 1 + random.nextLong(stable);
                    map.put(s, new Entry(s, ++version));
                }
            }
            for (long key = stable + 1; key <= stable + 50_000; key++) {
                map.remove(key);
            }
        }
        stop.set(true);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(map.size()).isEqualTo(stable);
    }
}
