package dev.gatehouse.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BiConsumer;

/**
 * An open-addressing hash map from positive {@code long} keys to values, built for the check path:
 * {@link #get(long)} takes no lock, does not box and does not allocate.
 *
 * <p>Thread-safety: any number of concurrent readers, but a single writer at a time (callers serialize
 * {@link #put} and {@link #remove}). Correctness rests on three rules: a slot's value is published before
 * its key (release/acquire), a slot's key never changes once set except to {@link #TOMBSTONE} (tombstones
 * are never reused, so a reader can never pair one key with another key's value), and growth or purging of
 * tombstones builds a new table that is published with one volatile write.
 */
public final class LongMap<V> {

    private static final long EMPTY = 0L;
    private static final long TOMBSTONE = Long.MIN_VALUE;
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(Object[].class);

    private static final class Table {
        final long[] keys;
        final Object[] values;
        final int mask;

        Table(int capacity) {
            keys = new long[capacity];
            values = new Object[capacity];
            mask = capacity - 1;
        }
    }

    private volatile Table table;
    private int size;
    private int used;

    public LongMap() {
        this(8);
    }

    public LongMap(int expected) {
        table = new Table(capacityFor(expected));
    }

    private static int capacityFor(int expected) {
        int capacity = 8;
        while (capacity < expected * 2L) {
            capacity <<= 1;
        }
        return capacity;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    @SuppressWarnings("unchecked")
    public V get(long key) {
        Table t = table;
        int i = slot(key, t.mask);
        while (true) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k == key) {
                return (V) VALUES.getAcquire(t.values, i);
            }
            if (k == EMPTY) {
                return null;
            }
            i = (i + 1) & t.mask;
        }
    }

    /** Single writer only. Keys must be positive. */
    public void put(long key, V value) {
        if (key <= 0) {
            throw new IllegalArgumentException("key must be positive: " + key);
        }
        if (value == null) {
            throw new NullPointerException("value");
        }
        Table t = table;
        int i = slot(key, t.mask);
        while (true) {
            long k = t.keys[i];
            if (k == key) {
                VALUES.setRelease(t.values, i, value);
                return;
            }
            if (k == EMPTY) {
                break;
            }
            i = (i + 1) & t.mask;
        }
        if ((used + 1) * 2 > t.keys.length) {
            rebuild(size + 1);
            put(key, value);
            return;
        }
        VALUES.setRelease(t.values, i, value);
        KEYS.setRelease(t.keys, i, key);
        size++;
        used++;
    }

    /** Single writer only. */
    public void remove(long key) {
        Table t = table;
        int i = slot(key, t.mask);
        while (true) {
            long k = t.keys[i];
            if (k == key) {
                VALUES.setRelease(t.values, i, null);
                KEYS.setRelease(t.keys, i, TOMBSTONE);
                size--;
                return;
            }
            if (k == EMPTY) {
                return;
            }
            i = (i + 1) & t.mask;
        }
    }

    private void rebuild(int expected) {
        Table old = table;
        Table fresh = new Table(capacityFor(Math.max(expected, size * 2)));
        for (int i = 0; i < old.keys.length; i++) {
            long k = old.keys[i];
            Object v = old.values[i];
            if (k != EMPTY && k != TOMBSTONE && v != null) {
                int j = slot(k, fresh.mask);
                while (fresh.keys[j] != EMPTY) {
                    j = (j + 1) & fresh.mask;
                }
                fresh.keys[j] = k;
                fresh.values[j] = v;
            }
        }
        used = size;
        table = fresh;
    }

    public int size() {
        return size;
    }

    /** Visits a consistent-enough view: every entry present throughout the call is visited once. */
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<Long, V> action) {
        Table t = table;
        for (int i = 0; i < t.keys.length; i++) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k != EMPTY && k != TOMBSTONE) {
                V v = (V) VALUES.getAcquire(t.values, i);
                if (v != null) {
                    action.accept(k, v);
                }
            }
        }
    }

    /** Approximate heap bytes of the table arrays (for capacity reports). */
    public long tableBytes() {
        Table t = table;
        return 16L + t.keys.length * 8L + 16L + t.values.length * 4L;
    }
}
