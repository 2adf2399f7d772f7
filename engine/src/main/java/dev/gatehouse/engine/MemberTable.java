package dev.gatehouse.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An organization's members, packed for the check path: an open-addressing table whose slots are pairs of
 * {@code long}s in one array — the member id, then the member's <i>word</i>: its company role id and its flags
 * (present, external, active, holds grants) — so that a check finds everything it needs about the member in the
 * one cache line that holds the slot. The product's user id, which no check reads, sits in a parallel array.
 * {@link #word} takes no lock, does not box and does not allocate.
 *
 * <p>The word: bit 0 {@link #PRESENT} (so a member's word is never 0, which {@link #word} returns for "absent"),
 * bit 1 {@link #EXTERNAL}, bit 2 {@link #ACTIVE}, bit 3 {@link #GRANTS} (the member holds per-member grants; they
 * are in {@link OrgState#grants}), bits 4–62 the company role id (0 for none). Read it with {@link #roleId},
 * {@link #active}, {@link #external} and {@link #hasGrants}.
 *
 * <p>Thread-safety: any number of concurrent readers, a single writer (callers serialize {@link #put},
 * {@link #setGrants} and {@link #remove}). A new slot's user id and word are written before its key
 * (release/acquire); a slot's word changes only as one 64-bit write (role, status or grants flag); a slot's user
 * id never changes once its key is set — a member whose user id changes moves to a new slot, published before the
 * old one becomes a {@link #TOMBSTONE}, so a reader finds the old pair or the new one, never neither and never a
 * mix; tombstones are never reused; growth and purging build a new table, published with one volatile write.
 */
final class MemberTable {

    static final long PRESENT = 1L;
    static final long EXTERNAL = 1L << 1;
    static final long ACTIVE = 1L << 2;
    static final long GRANTS = 1L << 3;
    private static final int ROLE_SHIFT = 4;
    /** The largest company role id a word holds. */
    static final long MAX_ROLE_ID = (1L << (63 - ROLE_SHIFT)) - 1;

    private static final long EMPTY = 0L;
    private static final long TOMBSTONE = Long.MIN_VALUE;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle USER_IDS = MethodHandles.arrayElementVarHandle(String[].class);

    private static final class Table {
        /** Slot i: {@code slots[2i]} the member id (or EMPTY, TOMBSTONE), {@code slots[2i + 1]} its word. */
        final long[] slots;
        final String[] userIds;
        final int mask;

        Table(int capacity) {
            slots = new long[capacity * 2];
            userIds = new String[capacity];
            mask = capacity - 1;
        }
    }

    /** Visits members without allocating: the id and the word (see the class comment). */
    interface Visitor {
        void visit(long memberId, long word);
    }

    private volatile Table table;
    private int size;
    /** Slots holding a key or a tombstone. */
    private int used;

    MemberTable() {
        this(8);
    }

    MemberTable(int expected) {
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

    /** The word of a member with these attributes (no grants flag). */
    static long word(long roleId, boolean external, boolean active) {
        if (roleId < 0 || roleId > MAX_ROLE_ID) {
            throw new IllegalArgumentException("role id out of range: " + roleId);
        }
        return roleId << ROLE_SHIFT | PRESENT | (external ? EXTERNAL : 0L) | (active ? ACTIVE : 0L);
    }

    static long roleId(long word) {
        return word >>> ROLE_SHIFT;
    }

    static boolean active(long word) {
        return (word & ACTIVE) != 0;
    }

    static boolean external(long word) {
        return (word & EXTERNAL) != 0;
    }

    static boolean hasGrants(long word) {
        return (word & GRANTS) != 0;
    }

    /** The member's word, 0 when there is no such member. The check path: no lock, no allocation. */
    long word(long memberId) {
        Table t = table;
        long[] slots = t.slots;
        int i = slot(memberId, t.mask);
        while (true) {
            long k = (long) SLOTS.getAcquire(slots, 2 * i);
            if (k == memberId) {
                return (long) SLOTS.getAcquire(slots, 2 * i + 1);
            }
            if (k == EMPTY) {
                return 0L;
            }
            i = (i + 1) & t.mask;
        }
    }

    /** The member as a record (allocates; for the questions off the check path), null when absent. */
    MemberEntry entry(long memberId) {
        Table t = table;
        int i = slot(memberId, t.mask);
        while (true) {
            long k = (long) SLOTS.getAcquire(t.slots, 2 * i);
            if (k == memberId) {
                long word = (long) SLOTS.getAcquire(t.slots, 2 * i + 1);
                return entry(memberId, (String) USER_IDS.getAcquire(t.userIds, i), word);
            }
            if (k == EMPTY) {
                return null;
            }
            i = (i + 1) & t.mask;
        }
    }

    private static MemberEntry entry(long memberId, String userId, long word) {
        return new MemberEntry(memberId, userId, roleId(word), external(word), active(word));
    }

    /** The slot of a key in {@code t}, or -1. Writer side. */
    private static int find(Table t, long key) {
        int i = slot(key, t.mask);
        while (true) {
            long k = t.slots[2 * i];
            if (k == key) {
                return i;
            }
            if (k == EMPTY) {
                return -1;
            }
            i = (i + 1) & t.mask;
        }
    }

    /** Throws unless a member of this id and user id can be put: ids are positive, a user id is given. */
    static void requireValid(long memberId, String userId) {
        if (memberId <= 0) {
            throw new IllegalArgumentException("member id must be positive: " + memberId);
        }
        if (userId == null) {
            throw new NullPointerException("userId");
        }
    }

    /**
     * Adds or replaces a member, keeping its grants flag. Single writer only. Ids must be positive.
     *
     * @param hasGrants whether the member holds grants (asked only for a member not present yet)
     */
    void put(long memberId, String userId, long word, boolean hasGrants) {
        requireValid(memberId, userId);
        Table t = table;
        int at = find(t, memberId);
        if (at >= 0) {
            long merged = word | (t.slots[2 * at + 1] & GRANTS);
            if (t.userIds[at].equals(userId)) {
                SLOTS.setRelease(t.slots, 2 * at + 1, merged);
                return;
            }
            // a new user id: publish a fresh slot (further along the probe sequence) before retiring the old one
            if (!insert(t, memberId, userId, merged)) {
                rebuild(size + 1);
                t = table;
                at = find(t, memberId);
                if (!insert(t, memberId, userId, merged)) {
                    throw new IllegalStateException("member table full after growth");
                }
            }
            SLOTS.setRelease(t.slots, 2 * at, TOMBSTONE);
            return;
        }
        long fresh = word | (hasGrants ? GRANTS : 0L);
        if (!insert(t, memberId, userId, fresh)) {
            rebuild(size + 1);
            insert(table, memberId, userId, fresh);
        }
        size++;
    }

    /**
     * Writes the key into the first empty slot of its probe sequence, after its user id and word; false when the
     * table is too full (the caller grows it). Tombstones are passed over, never reused.
     */
    private boolean insert(Table t, long key, String userId, long word) {
        if ((used + 1) * 2 > t.mask + 1) {
            return false;
        }
        int i = slot(key, t.mask);
        while (t.slots[2 * i] != EMPTY) {
            i = (i + 1) & t.mask;
        }
        USER_IDS.setRelease(t.userIds, i, userId);
        SLOTS.setRelease(t.slots, 2 * i + 1, word);
        SLOTS.setRelease(t.slots, 2 * i, key);
        used++;
        return true;
    }

    /** Sets or clears a present member's grants flag; nothing for an absent member. Single writer only. */
    void setGrants(long memberId, boolean hasGrants) {
        Table t = table;
        int at = find(t, memberId);
        if (at >= 0) {
            long word = t.slots[2 * at + 1];
            SLOTS.setRelease(t.slots, 2 * at + 1, hasGrants ? word | GRANTS : word & ~GRANTS);
        }
    }

    /** Removes a member; its slot becomes a tombstone. Single writer only. */
    void remove(long memberId) {
        Table t = table;
        int at = find(t, memberId);
        if (at >= 0) {
            SLOTS.setRelease(t.slots, 2 * at, TOMBSTONE);
            size--;
        }
    }

    private void rebuild(int expected) {
        Table old = table;
        Table fresh = new Table(capacityFor(Math.max(expected, size * 2)));
        for (int i = 0; i <= old.mask; i++) {
            long k = old.slots[2 * i];
            if (k != EMPTY && k != TOMBSTONE) {
                int j = slot(k, fresh.mask);
                while (fresh.slots[2 * j] != EMPTY) {
                    j = (j + 1) & fresh.mask;
                }
                fresh.slots[2 * j] = k;
                fresh.slots[2 * j + 1] = old.slots[2 * i + 1];
                fresh.userIds[j] = old.userIds[i];
            }
        }
        used = size;
        table = fresh;
    }

    int size() {
        return size;
    }

    /** Visits every member present throughout the call once; no allocation. */
    void forEach(Visitor visitor) {
        Table t = table;
        for (int i = 0; i <= t.mask; i++) {
            long k = (long) SLOTS.getAcquire(t.slots, 2 * i);
            if (k != EMPTY && k != TOMBSTONE) {
                visitor.visit(k, (long) SLOTS.getAcquire(t.slots, 2 * i + 1));
            }
        }
    }

    /** Visits every member as a record (allocates; for copies and digests). */
    void forEachEntry(java.util.function.Consumer<MemberEntry> action) {
        Table t = table;
        for (int i = 0; i <= t.mask; i++) {
            long k = (long) SLOTS.getAcquire(t.slots, 2 * i);
            if (k != EMPTY && k != TOMBSTONE) {
                long word = (long) SLOTS.getAcquire(t.slots, 2 * i + 1);
                action.accept(entry(k, (String) USER_IDS.getAcquire(t.userIds, i), word));
            }
        }
    }

    /** Approximate heap bytes of the table arrays (for capacity reports). */
    long tableBytes() {
        Table t = table;
        return 16L + t.slots.length * 8L + 16L + t.userIds.length * 4L;
    }
}
