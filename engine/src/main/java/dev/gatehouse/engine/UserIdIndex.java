package dev.gatehouse.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An organization's members by the product's user id: an open-addressing table of user ids (the very
 * {@code String}s the {@link MemberTable} holds) and member ids in parallel arrays, without an entry object or a
 * boxed id per member. {@link #get} takes no lock.
 *
 * <p>Thread-safety as {@link LongMap}: any number of concurrent readers, a single writer; a slot's id is published
 * before its key (release/acquire), a key never changes once set except to the tombstone, tombstones are never
 * reused, and growth or purging builds a new table published with one volatile write.
 */
final class UserIdIndex {

    /** Marks a removed slot; compared by identity. */
    private static final String TOMBSTONE = new String("tombstone");
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(String[].class);
    private static final VarHandle IDS = MethodHandles.arrayElementVarHandle(long[].class);

    private static final class Table {
        final String[] keys;
        final long[] ids;
        final int mask;

        Table(int capacity) {
            keys = new String[capacity];
            ids = new long[capacity];
            mask = capacity - 1;
        }
    }

    private volatile Table table = new Table(8);
    private int size;
    private int used;

    private static int slot(String userId, int mask) {
        int h = userId.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** The member id of a user id, null when none. */
    Long get(String userId) {
        Table t = table;
        int i = slot(userId, t.mask);
        while (true) {
            String k = (String) KEYS.getAcquire(t.keys, i);
            if (k == null) {
                return null;
            }
            if (k != TOMBSTONE && k.equals(userId)) {
                return (long) IDS.getAcquire(t.ids, i);
            }
            i = (i + 1) & t.mask;
        }
    }

    /** Maps a user id to a member id, replacing any earlier mapping. Single writer only. */
    void put(String userId, long memberId) {
        Table t = table;
        int i = slot(userId, t.mask);
        while (true) {
            String k = t.keys[i];
            if (k == null) {
                break;
            }
            if (k != TOMBSTONE && k.equals(userId)) {
                IDS.setRelease(t.ids, i, memberId);
                return;
            }
            i = (i + 1) & t.mask;
        }
        if ((used + 1) * 2 > t.keys.length) {
            rebuild(size + 1);
            put(userId, memberId);
            return;
        }
        IDS.setRelease(t.ids, i, memberId);
        KEYS.setRelease(t.keys, i, userId);
        size++;
        used++;
    }

    /** Removes the mapping of a user id if it maps to {@code memberId}. Single writer only. */
    void remove(String userId, long memberId) {
        Table t = table;
        int i = slot(userId, t.mask);
        while (true) {
            String k = t.keys[i];
            if (k == null) {
                return;
            }
            if (k != TOMBSTONE && k.equals(userId)) {
                if (t.ids[i] == memberId) {
                    KEYS.setRelease(t.keys, i, TOMBSTONE);
                    size--;
                }
                return;
            }
            i = (i + 1) & t.mask;
        }
    }

    int size() {
        return size;
    }

    /** Puts every mapping into {@code other} (a what-if's copy). */
    void copyInto(UserIdIndex other) {
        Table t = table;
        for (int i = 0; i < t.keys.length; i++) {
            String k = (String) KEYS.getAcquire(t.keys, i);
            if (k != null && k != TOMBSTONE) {
                other.put(k, (long) IDS.getAcquire(t.ids, i));
            }
        }
    }

    private void rebuild(int expected) {
        Table old = table;
        int capacity = 8;
        while (capacity < Math.max(expected, size * 2) * 2L) {
            capacity <<= 1;
        }
        Table fresh = new Table(capacity);
        for (int i = 0; i < old.keys.length; i++) {
            String k = old.keys[i];
            if (k != null && k != TOMBSTONE) {
                int j = slot(k, fresh.mask);
                while (fresh.keys[j] != null) {
                    j = (j + 1) & fresh.mask;
                }
                fresh.keys[j] = k;
                fresh.ids[j] = old.ids[i];
            }
        }
        used = size;
        table = fresh;
    }
}
