package dev.gatehouse.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The assignments on the resources of one type in one organization, packed for the check path: an
 * open-addressing table of {@code long} slots, each holding a resource id's 32-bit hash and the offset of its
 * record in one {@code long[]} arena, where the record holds the id's characters and the resource's assignments
 * side by side. A check ({@link #roleOf}) reads one slot (comparing hashes, never a {@code String}), then one
 * record — its characters are compared only on a hash match — and finds the member there: one or two cache lines
 * for a small resource, no lock, no allocation.
 *
 * <p>A record at offset {@code o}: {@code arena[o]} = the id's length (high 32 bits), a Latin-1 flag (bit 31) and
 * the number of assignments (bits 0–30); then the id's characters, eight to a word when every one is Latin-1, else
 * four; then the assignments as (member id, role id) pairs, member ids ascending. An empty resource has no record.
 *
 * <p>Thread-safety: any number of concurrent readers, a single writer (callers serialize {@link #put} and
 * {@link #remove}). Records are written once and never changed: a write appends a new record past every
 * published one, then points the slot at it (release/acquire), so a reader sees the old record or the new one
 * whole; a resource's last assignment removed turns its slot into a tombstone, never reused. When the arena or the
 * slots run out, the live records are copied into a new table (dropping the replaced ones), published with one
 * volatile write; a reader still holding the old table reads it unchanged. Cost of a write: O(assignments on the
 * resource + id length), amortized over those copies.
 */
final class ResourceTable {

    private static final long EMPTY = 0L;
    /** Hash 0, offset all ones: no record has that offset. */
    private static final long TOMBSTONE = 0xFFFF_FFFFL;
    private static final long LATIN1 = 1L << 31;
    private static final long COUNT = LATIN1 - 1;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long[] NONE = new long[0];

    private static final class Table {
        /** 0 empty, {@link #TOMBSTONE}, or the id's hash (high 32 bits) and its record's offset (low 32). */
        final long[] slots;
        final int mask;
        /** The records; word 0 is never used, so no slot holds offset 0. */
        final long[] arena;

        Table(int capacity, int arenaLength) {
            slots = new long[capacity];
            mask = capacity - 1;
            arena = new long[arenaLength];
        }
    }

    private volatile Table table = new Table(8, 32);
    /** Resources with at least one assignment. */
    private int size;
    /** Slots holding a record or a tombstone. */
    private int used;
    /** The next free word of the arena. */
    private int top = 1;
    /** Arena words of records no longer referenced. */
    private long dead;

    static int hash(String resourceId) {
        int h = resourceId.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    // ---------------------------------------------------------------- reading (lock-free)

    /** The role the member holds on the resource, 0 for none. The check path: no allocation. */
    long roleOf(String resourceId, long memberId) {
        Table t = table;
        int o = find(t, hash(resourceId), resourceId, true);
        return o < 0 ? 0L : roleIn(t.arena, o, memberId);
    }

    /** The resource's assignments as an entry (allocates; off the check path), null when it has none. */
    ResourceEntry entry(String resourceId) {
        Table t = table;
        int o = find(t, hash(resourceId), resourceId, true);
        return o < 0 ? null : entryAt(t.arena, o, resourceId);
    }

    /** The members assigned on the resource, ascending (a new array). */
    long[] members(String resourceId) {
        Table t = table;
        int o = find(t, hash(resourceId), resourceId, true);
        if (o < 0) {
            return NONE;
        }
        long[] a = t.arena;
        int count = count(a[o]);
        int base = o + 1 + keyWords(a[o]);
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = a[base + 2 * i];
        }
        return ids;
    }

    /** Visits every resource with assignments once, as an entry (allocates; for copies, digests, what-ifs). */
    void forEach(Consumer<ResourceEntry> action) {
        Table t = table;
        for (int i = 0; i <= t.mask; i++) {
            long s = (long) SLOTS.getAcquire(t.slots, i);
            if (s != EMPTY && s != TOMBSTONE) {
                int o = (int) s;
                action.accept(entryAt(t.arena, o, keyAt(t.arena, o)));
            }
        }
    }

    int size() {
        return size;
    }

    /**
     * The offset of the resource's record in {@code t} (or -1); with {@code record} false, the index of its slot.
     * Readers pass true and read each slot with acquire semantics.
     */
    private static int find(Table t, int h, String resourceId, boolean record) {
        long[] slots = t.slots;
        int i = h & t.mask;
        while (true) {
            long s = (long) SLOTS.getAcquire(slots, i);
            if (s == EMPTY) {
                return -1;
            }
            if ((int) (s >>> 32) == h && s != TOMBSTONE && keyEquals(t.arena, (int) s, resourceId)) {
                return record ? (int) s : i;
            }
            i = (i + 1) & t.mask;
        }
    }

    private static int count(long header) {
        return (int) (header & COUNT);
    }

    private static int keyWords(long header) {
        int length = (int) (header >>> 32);
        return (header & LATIN1) != 0 ? (length + 7) >>> 3 : (length + 3) >>> 2;
    }

    private static int recordWords(long header) {
        return 1 + keyWords(header) + 2 * count(header);
    }

    /** Whether the record's id is {@code id}, compared a word at a time; no allocation. */
    private static boolean keyEquals(long[] a, int o, String id) {
        long header = a[o];
        int length = id.length();
        if ((int) (header >>> 32) != length) {
            return false;
        }
        int w = o + 1;
        if ((header & LATIN1) != 0) {
            for (int c = 0; c < length; c += 8, w++) {
                long word = 0;
                for (int j = 0, end = Math.min(8, length - c); j < end; j++) {
                    char ch = id.charAt(c + j);
                    if (ch > 0xFF) {
                        return false;
                    }
                    word |= (long) ch << (j << 3);
                }
                if (word != a[w]) {
                    return false;
                }
            }
        } else {
            for (int c = 0; c < length; c += 4, w++) {
                long word = 0;
                for (int j = 0, end = Math.min(4, length - c); j < end; j++) {
                    word |= (long) id.charAt(c + j) << (j << 4);
                }
                if (word != a[w]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The role of a member in the record at {@code o}, 0 when it holds none there (binary search). */
    private static long roleIn(long[] a, int o, long memberId) {
        long header = a[o];
        int base = o + 1 + keyWords(header);
        int low = 0;
        int high = count(header) - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long m = a[base + 2 * mid];
            if (m < memberId) {
                low = mid + 1;
            } else if (m > memberId) {
                high = mid - 1;
            } else {
                return a[base + 2 * mid + 1];
            }
        }
        return 0L;
    }

    /** The index of the member's pair in the record, or {@code -(insertion point) - 1}. */
    private static int pairIndex(long[] a, int o, long memberId) {
        long header = a[o];
        int base = o + 1 + keyWords(header);
        int low = 0;
        int high = count(header) - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long m = a[base + 2 * mid];
            if (m < memberId) {
                low = mid + 1;
            } else if (m > memberId) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -low - 1;
    }

    private static String keyAt(long[] a, int o) {
        long header = a[o];
        int length = (int) (header >>> 32);
        char[] chars = new char[length];
        boolean latin1 = (header & LATIN1) != 0;
        for (int c = 0; c < length; c++) {
            chars[c] = latin1 ? (char) (a[o + 1 + (c >>> 3)] >>> ((c & 7) << 3) & 0xFF)
                    : (char) (a[o + 1 + (c >>> 2)] >>> ((c & 3) << 4) & 0xFFFF);
        }
        return new String(chars);
    }

    private static ResourceEntry entryAt(long[] a, int o, String resourceId) {
        long header = a[o];
        int count = count(header);
        int base = o + 1 + keyWords(header);
        long[] members = new long[count];
        long[] roles = new long[count];
        for (int i = 0; i < count; i++) {
            members[i] = a[base + 2 * i];
            roles[i] = a[base + 2 * i + 1];
        }
        return ResourceEntry.of(resourceId, members, roles);
    }

    // ---------------------------------------------------------------- writing (single writer)

    /** Assigns a role to a member on a resource; returns the role it held there before, 0 for none. */
    long put(String resourceId, long memberId, long roleId) {
        if (memberId <= 0 || roleId <= 0) {
            throw new IllegalArgumentException("member and role ids must be positive: " + memberId + ", " + roleId);
        }
        int h = hash(resourceId);
        Table t = table;
        int at = find(t, h, resourceId, false);
        if (at < 0) {
            int words = 1 + keyWordsFor(resourceId) + 2;
            if ((used + 1) * 2 > t.mask + 1 || top + words > t.arena.length) {
                rebuild(1, words);
                t = table;
            }
            int o = writeKey(t.arena, resourceId, 1);
            t.arena[top - 2] = memberId;
            t.arena[top - 1] = roleId;
            int i = h & t.mask;
            while (t.slots[i] != EMPTY) {
                i = (i + 1) & t.mask;
            }
            SLOTS.setRelease(t.slots, i, (long) h << 32 | o);
            used++;
            size++;
            return 0L;
        }
        int old = (int) t.slots[at];
        int pair = pairIndex(t.arena, old, memberId);
        long header = t.arena[old];
        int keyWords = keyWords(header);
        if (pair >= 0 && t.arena[old + 1 + keyWords + 2 * pair + 1] == roleId) {
            return roleId;
        }
        int count = count(header) + (pair >= 0 ? 0 : 1);
        int words = 1 + keyWords + 2 * count;
        if (top + words > t.arena.length) {
            rebuild(0, words);
            t = table;
            at = find(t, h, resourceId, false);
            old = (int) t.slots[at];
        }
        long[] a = t.arena;
        int o = top;
        a[o] = (header & ~COUNT) | count;
        System.arraycopy(a, old + 1, a, o + 1, keyWords);
        int from = old + 1 + keyWords;
        int to = o + 1 + keyWords;
        long previous;
        if (pair >= 0) {
            System.arraycopy(a, from, a, to, 2 * (count));
            previous = a[to + 2 * pair + 1];
            a[to + 2 * pair + 1] = roleId;
        } else {
            int insert = -pair - 1;
            System.arraycopy(a, from, a, to, 2 * insert);
            a[to + 2 * insert] = memberId;
            a[to + 2 * insert + 1] = roleId;
            System.arraycopy(a, from + 2 * insert, a, to + 2 * insert + 2, 2 * (count - 1 - insert));
            previous = 0L;
        }
        top = o + words;
        dead += recordWords(header);
        SLOTS.setRelease(t.slots, at, (long) h << 32 | o);
        return previous;
    }

    /** Removes a member's assignment on a resource; returns the role it held there, 0 for none (nothing done). */
    long remove(String resourceId, long memberId) {
        int h = hash(resourceId);
        Table t = table;
        int at = find(t, h, resourceId, false);
        if (at < 0) {
            return 0L;
        }
        int old = (int) t.slots[at];
        int pair = pairIndex(t.arena, old, memberId);
        if (pair < 0) {
            return 0L;
        }
        long header = t.arena[old];
        int keyWords = keyWords(header);
        long previous = t.arena[old + 1 + keyWords + 2 * pair + 1];
        int count = count(header) - 1;
        if (count == 0) {
            SLOTS.setRelease(t.slots, at, TOMBSTONE);
            dead += recordWords(header);
            size--;
            return previous;
        }
        int words = 1 + keyWords + 2 * count;
        if (top + words > t.arena.length) {
            rebuild(0, words);
            t = table;
            at = find(t, h, resourceId, false);
            old = (int) t.slots[at];
        }
        long[] a = t.arena;
        int o = top;
        a[o] = (header & ~COUNT) | count;
        System.arraycopy(a, old + 1, a, o + 1, keyWords);
        int from = old + 1 + keyWords;
        int to = o + 1 + keyWords;
        System.arraycopy(a, from, a, to, 2 * pair);
        System.arraycopy(a, from + 2 * pair + 2, a, to + 2 * pair, 2 * (count - pair));
        top = o + words;
        dead += recordWords(header);
        SLOTS.setRelease(t.slots, at, (long) h << 32 | o);
        return previous;
    }

    private static boolean latin1(String id) {
        for (int c = 0; c < id.length(); c++) {
            if (id.charAt(c) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static int keyWordsFor(String id) {
        return latin1(id) ? (id.length() + 7) >>> 3 : (id.length() + 3) >>> 2;
    }

    /** Writes a new record's header and id at {@code top}, leaving room for {@code count} pairs; its offset. */
    private int writeKey(long[] a, String id, int count) {
        int o = top;
        int length = id.length();
        boolean latin1 = latin1(id);
        a[o] = (long) length << 32 | (latin1 ? LATIN1 : 0L) | count;
        int w = o + 1;
        int perWord = latin1 ? 8 : 4;
        int bits = latin1 ? 3 : 4;
        for (int c = 0; c < length; c += perWord, w++) {
            long word = 0;
            for (int j = 0, end = Math.min(perWord, length - c); j < end; j++) {
                word |= (long) id.charAt(c + j) << (j << bits);
            }
            a[w] = word;
        }
        top = w + 2 * count;
        return o;
    }

    /**
     * Copies the live records into a new table with room for {@code extraSlots} more resources and
     * {@code extraWords} more arena words, dropping replaced records and tombstones; publishes it.
     */
    private void rebuild(int extraSlots, int extraWords) {
        Table old = table;
        long live = top - 1L - dead;
        long arenaLength = Math.max(32L, 2 * (live + extraWords) + 1);
        if (arenaLength > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("resource table too large: " + live + " words");
        }
        int capacity = 8;
        while (capacity < (size + extraSlots) * 2L) {
            capacity <<= 1;
        }
        Table fresh = new Table(capacity, (int) arenaLength);
        int next = 1;
        for (int i = 0; i <= old.mask; i++) {
            long s = old.slots[i];
            if (s != EMPTY && s != TOMBSTONE) {
                int o = (int) s;
                int words = recordWords(old.arena[o]);
                System.arraycopy(old.arena, o, fresh.arena, next, words);
                int h = (int) (s >>> 32);
                int j = h & fresh.mask;
                while (fresh.slots[j] != EMPTY) {
                    j = (j + 1) & fresh.mask;
                }
                fresh.slots[j] = (long) h << 32 | next;
                next += words;
            }
        }
        top = next;
        dead = 0;
        used = size;
        table = fresh;
    }

    /** Approximate heap bytes of the slots and the arena (for capacity reports and tests). */
    long tableBytes() {
        Table t = table;
        return 16L + t.slots.length * 8L + 16L + t.arena.length * 8L;
    }
}
