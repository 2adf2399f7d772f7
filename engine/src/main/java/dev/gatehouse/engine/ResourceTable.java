package dev.gatehouse.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The assignments on the resources of one type in one organization, packed for the check path: an
 * open-addressing table of three-{@code long} slots, each holding a resource id's 32-bit hash, its id when that is
 * at most eight Latin-1 characters, and either its one assignment (inline) or the offset of its record in one
 * {@code long[]} arena, where the record holds the id's characters and the resource's assignments side by side.
 * A check ({@link #roleOf}) reads one slot (comparing hashes, never a {@code String}); for a short id with one
 * assignment — the common case — it finds the id and the (member, role) pair in that same slot and touches nothing
 * else: one cache miss, where a record would cost a second, dependent one. Otherwise it reads the record, whose
 * characters are compared only on a hash match. No lock, no allocation.
 *
 * <p>Slot {@code i} is {@code slots[3i..3i+2]}: the <i>head</i> — 0 empty, {@link #TOMBSTONE}, or the hash (high 32
 * bits) and, in the low 32, either {@link #INLINE} and the id's length (bits 0–3) or the record's offset (bit 31
 * clear, never 0); the <i>key word</i> — a short Latin-1 id's characters, eight bits each, the first lowest (0 for
 * a longer id); the <i>pair</i> — an inline slot's member id (high {@code 64 - ROLE_BITS} bits) and role id (low
 * {@link #ROLE_BITS}). A resource is inline when its id is short, it holds exactly one assignment and both ids fit.
 *
 * <p>A record at offset {@code o}: {@code arena[o]} = the id's length (high 32 bits), a Latin-1 flag (bit 31) and
 * the number of assignments (bits 0–30); then the id's characters, eight to a word when every one is Latin-1, else
 * four; then the assignments as (member id, role id) pairs, member ids ascending. An empty resource has no record.
 *
 * <p>Thread-safety: any number of concurrent readers, a single writer (callers serialize {@link #put} and
 * {@link #remove}). Records are written once and never changed: a write appends a new record past every
 * published one, then points the head at it (release/acquire), so a reader sees the old record or the new one
 * whole. A slot's key word is written before its head is first published and never changes; its pair is one
 * 64-bit word, written (release) before a head that makes it inline, or in place when an inline resource's one
 * member changes role, so a reader sees one whole (member, role) pair of some moment. A resource's last assignment
 * removed turns its slot into a tombstone, never reused. When the arena or the slots run out, the live slots and
 * records are copied into a new table (dropping the replaced records), published with one volatile write; a
 * reader still holding the old table reads it unchanged. Cost of a write: O(assignments on the resource + id
 * length), amortized over those copies.
 */
final class ResourceTable {

    private static final long EMPTY = 0L;
    /** Hash 0, offset all ones: no record has that offset, no inline head that low word. */
    private static final long TOMBSTONE = 0xFFFF_FFFFL;
    /** In a head: the resource's one assignment is the slot's pair (and its id the key word). */
    private static final long INLINE = 1L << 31;
    private static final long INLINE_LENGTH = 0xF;
    /** The longest id held in a key word. */
    private static final int SHORT_ID = 8;
    /** Bits of an inline pair holding the role id; the member id takes the rest. */
    static final int ROLE_BITS = 26;
    private static final long ROLE_MASK = (1L << ROLE_BITS) - 1;
    private static final long MEMBER_LIMIT = 1L << (64 - ROLE_BITS);
    private static final long LATIN1 = 1L << 31;
    private static final long COUNT = LATIN1 - 1;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long[] NONE = new long[0];

    private static final class Table {
        /** Three words per slot: head, key word, pair (see the class comment). */
        final long[] slots;
        final int mask;
        /** The records; word 0 is never used, so no head holds offset 0. */
        final long[] arena;

        Table(int capacity, int arenaLength) {
            slots = new long[3 * capacity];
            mask = capacity - 1;
            arena = new long[arenaLength];
        }
    }

    private volatile Table table = new Table(8, 32);
    /** Resources with at least one assignment. */
    private int size;
    /** Slots holding a resource or a tombstone. */
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
        long[] slots = t.slots;
        int h = hash(resourceId);
        int i = h & t.mask;
        while (true) {
            long head = (long) SLOTS.getAcquire(slots, 3 * i);
            if (head == EMPTY) {
                return 0L;
            }
            if ((int) (head >>> 32) == h && head != TOMBSTONE) {
                if ((head & INLINE) != 0) {
                    if (shortKeyEquals(head, slots[3 * i + 1], resourceId)) {
                        long pair = (long) SLOTS.getAcquire(slots, 3 * i + 2);
                        return pair >>> ROLE_BITS == memberId ? pair & ROLE_MASK : 0L;
                    }
                } else if (keyEquals(t.arena, (int) head, resourceId)) {
                    return roleIn(t.arena, (int) head, memberId);
                }
            }
            i = (i + 1) & t.mask;
        }
    }

    /** The resource's assignments as an entry (allocates; off the check path), null when it has none. */
    ResourceEntry entry(String resourceId) {
        Table t = table;
        int i = find(t, hash(resourceId), resourceId);
        return i < 0 ? null : entryAt(t, i, resourceId);
    }

    /** The members assigned on the resource, ascending (a new array). */
    long[] members(String resourceId) {
        Table t = table;
        int i = find(t, hash(resourceId), resourceId);
        if (i < 0) {
            return NONE;
        }
        long head = (long) SLOTS.getAcquire(t.slots, 3 * i);
        if ((head & INLINE) != 0) {
            return new long[] {(long) SLOTS.getAcquire(t.slots, 3 * i + 2) >>> ROLE_BITS};
        }
        long[] a = t.arena;
        int o = (int) head;
        int count = count(a[o]);
        int base = o + 1 + keyWords(a[o]);
        long[] ids = new long[count];
        for (int k = 0; k < count; k++) {
            ids[k] = a[base + 2 * k];
        }
        return ids;
    }

    /** Visits every resource with assignments once, as an entry (allocates; for copies, digests, what-ifs). */
    void forEach(Consumer<ResourceEntry> action) {
        Table t = table;
        for (int i = 0; i <= t.mask; i++) {
            long head = (long) SLOTS.getAcquire(t.slots, 3 * i);
            if (head != EMPTY && head != TOMBSTONE) {
                String id = (head & INLINE) != 0 ? shortKey(head, t.slots[3 * i + 1]) : keyAt(t.arena, (int) head);
                action.accept(entryAt(t, i, id));
            }
        }
    }

    int size() {
        return size;
    }

    /**
     * The index of the resource's slot in {@code t}, or -1. Reads each head with acquire semantics (the writer
     * reads its own writes either way).
     */
    private static int find(Table t, int h, String resourceId) {
        long[] slots = t.slots;
        int i = h & t.mask;
        while (true) {
            long head = (long) SLOTS.getAcquire(slots, 3 * i);
            if (head == EMPTY) {
                return -1;
            }
            if ((int) (head >>> 32) == h && head != TOMBSTONE && ((head & INLINE) != 0
                    ? shortKeyEquals(head, slots[3 * i + 1], resourceId)
                    : keyEquals(t.arena, (int) head, resourceId))) {
                return i;
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

    /** Whether an inline head's id (its length and the slot's key word) is {@code id}; no allocation. */
    private static boolean shortKeyEquals(long head, long keyWord, String id) {
        int length = (int) (head & INLINE_LENGTH);
        if (id.length() != length) {
            return false;
        }
        long word = 0;
        for (int c = 0; c < length; c++) {
            char ch = id.charAt(c);
            if (ch > 0xFF) {
                return false;
            }
            word |= (long) ch << (c << 3);
        }
        return word == keyWord;
    }

    private static String shortKey(long head, long keyWord) {
        int length = (int) (head & INLINE_LENGTH);
        char[] chars = new char[length];
        for (int c = 0; c < length; c++) {
            chars[c] = (char) (keyWord >>> (c << 3) & 0xFF);
        }
        return new String(chars);
    }

    /** Whether a (member, role) pair fits an inline slot. */
    private static boolean packs(long memberId, long roleId) {
        return memberId < MEMBER_LIMIT && roleId <= ROLE_MASK;
    }

    private static long pack(long memberId, long roleId) {
        return memberId << ROLE_BITS | roleId;
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
        int pair = pairIndex(a, o, memberId);
        return pair < 0 ? 0L : a[o + 1 + keyWords(a[o]) + 2 * pair + 1];
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

    private static ResourceEntry entryAt(Table t, int i, String resourceId) {
        long head = (long) SLOTS.getAcquire(t.slots, 3 * i);
        if ((head & INLINE) != 0) {
            long pair = (long) SLOTS.getAcquire(t.slots, 3 * i + 2);
            return ResourceEntry.of(resourceId, new long[] {pair >>> ROLE_BITS}, new long[] {pair & ROLE_MASK});
        }
        long[] a = t.arena;
        int o = (int) head;
        long header = a[o];
        int count = count(header);
        int base = o + 1 + keyWords(header);
        long[] members = new long[count];
        long[] roles = new long[count];
        for (int k = 0; k < count; k++) {
            members[k] = a[base + 2 * k];
            roles[k] = a[base + 2 * k + 1];
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
        int at = find(t, h, resourceId);
        if (at < 0) {
            boolean isShort = isShort(resourceId);
            boolean inline = isShort && packs(memberId, roleId);
            int words = inline ? 0 : 1 + keyWordsFor(resourceId) + 2;
            if ((used + 1) * 2 > t.mask + 1 || top + words > t.arena.length) {
                rebuild(1, words);
                t = table;
            }
            int i = h & t.mask;
            while (t.slots[3 * i] != EMPTY) {
                i = (i + 1) & t.mask;
            }
            t.slots[3 * i + 1] = isShort ? shortKeyWord(resourceId) : 0L;
            long head;
            if (inline) {
                t.slots[3 * i + 2] = pack(memberId, roleId);
                head = (long) h << 32 | INLINE | resourceId.length();
            } else {
                int o = writeKey(t.arena, resourceId, 1);
                t.arena[top - 2] = memberId;
                t.arena[top - 1] = roleId;
                head = (long) h << 32 | o;
            }
            SLOTS.setRelease(t.slots, 3 * i, head);
            used++;
            size++;
            return 0L;
        }
        long head = t.slots[3 * at];
        if ((head & INLINE) != 0) {
            long pair = t.slots[3 * at + 2];
            long holder = pair >>> ROLE_BITS;
            long held = pair & ROLE_MASK;
            if (holder == memberId) {
                if (held == roleId) {
                    return roleId;
                }
                if (packs(memberId, roleId)) {
                    SLOTS.setRelease(t.slots, 3 * at + 2, pack(memberId, roleId));
                } else {
                    moveToRecord(h, resourceId, memberId, roleId, 0L, 0L);
                }
                return held;
            }
            // a second member: the resource moves to a record, its pairs in member order
            if (holder < memberId) {
                moveToRecord(h, resourceId, holder, held, memberId, roleId);
            } else {
                moveToRecord(h, resourceId, memberId, roleId, holder, held);
            }
            return 0L;
        }
        int old = (int) head;
        int pair = pairIndex(t.arena, old, memberId);
        long header = t.arena[old];
        int keyWords = keyWords(header);
        if (pair >= 0 && t.arena[old + 1 + keyWords + 2 * pair + 1] == roleId) {
            return roleId;
        }
        int count = count(header) + (pair >= 0 ? 0 : 1);
        if (count == 1 && isShort(resourceId) && packs(memberId, roleId)) {
            long previous = t.arena[old + 1 + keyWords + 1];
            toInline(t, at, h, resourceId, memberId, roleId);
            dead += recordWords(header);
            return previous;
        }
        int words = 1 + keyWords + 2 * count;
        if (top + words > t.arena.length) {
            rebuild(0, words);
            t = table;
            at = find(t, h, resourceId);
            old = (int) t.slots[3 * at];
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
        SLOTS.setRelease(t.slots, 3 * at, (long) h << 32 | o);
        return previous;
    }

    /** Removes a member's assignment on a resource; returns the role it held there, 0 for none (nothing done). */
    long remove(String resourceId, long memberId) {
        int h = hash(resourceId);
        Table t = table;
        int at = find(t, h, resourceId);
        if (at < 0) {
            return 0L;
        }
        long head = t.slots[3 * at];
        if ((head & INLINE) != 0) {
            long pair = t.slots[3 * at + 2];
            if (pair >>> ROLE_BITS != memberId) {
                return 0L;
            }
            SLOTS.setRelease(t.slots, 3 * at, TOMBSTONE);
            size--;
            return pair & ROLE_MASK;
        }
        int old = (int) head;
        int pair = pairIndex(t.arena, old, memberId);
        if (pair < 0) {
            return 0L;
        }
        long header = t.arena[old];
        int keyWords = keyWords(header);
        long previous = t.arena[old + 1 + keyWords + 2 * pair + 1];
        int count = count(header) - 1;
        if (count == 0) {
            SLOTS.setRelease(t.slots, 3 * at, TOMBSTONE);
            dead += recordWords(header);
            size--;
            return previous;
        }
        if (count == 1 && isShort(resourceId)) {
            int other = old + 1 + keyWords + 2 * (1 - pair);
            long m = t.arena[other];
            long r = t.arena[other + 1];
            if (packs(m, r)) {
                toInline(t, at, h, resourceId, m, r);
                dead += recordWords(header);
                return previous;
            }
        }
        int words = 1 + keyWords + 2 * count;
        if (top + words > t.arena.length) {
            rebuild(0, words);
            t = table;
            at = find(t, h, resourceId);
            old = (int) t.slots[3 * at];
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
        SLOTS.setRelease(t.slots, 3 * at, (long) h << 32 | o);
        return previous;
    }

    /** Makes slot {@code at} (holding a short id) inline with one pair: the pair first, then the head. */
    private static void toInline(Table t, int at, int h, String resourceId, long memberId, long roleId) {
        SLOTS.setRelease(t.slots, 3 * at + 2, pack(memberId, roleId));
        SLOTS.setRelease(t.slots, 3 * at, (long) h << 32 | INLINE | resourceId.length());
    }

    /**
     * Moves an inline resource to a new record holding one pair, or two ({@code m2} above 0, {@code m1 < m2}),
     * and points its head there.
     */
    private void moveToRecord(int h, String resourceId, long m1, long r1, long m2, long r2) {
        int count = m2 == 0L ? 1 : 2;
        int words = 1 + keyWordsFor(resourceId) + 2 * count;
        Table t = table;
        if (top + words > t.arena.length) {
            rebuild(0, words);
            t = table;
        }
        int at = find(t, h, resourceId);
        int o = writeKey(t.arena, resourceId, count);
        int base = top - 2 * count;
        t.arena[base] = m1;
        t.arena[base + 1] = r1;
        if (count == 2) {
            t.arena[base + 2] = m2;
            t.arena[base + 3] = r2;
        }
        SLOTS.setRelease(t.slots, 3 * at, (long) h << 32 | o);
    }

    private static boolean latin1(String id) {
        for (int c = 0; c < id.length(); c++) {
            if (id.charAt(c) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** Whether an id fits a key word: at most {@link #SHORT_ID} characters, all Latin-1. */
    private static boolean isShort(String id) {
        return id.length() <= SHORT_ID && latin1(id);
    }

    /** The key word of a short id ({@link #isShort}). */
    private static long shortKeyWord(String id) {
        long word = 0;
        for (int c = 0; c < id.length(); c++) {
            word |= (long) id.charAt(c) << (c << 3);
        }
        return word;
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
     * Copies the live slots and records into a new table with room for {@code extraSlots} more resources and
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
            long head = old.slots[3 * i];
            if (head != EMPTY && head != TOMBSTONE) {
                int h = (int) (head >>> 32);
                int j = h & fresh.mask;
                while (fresh.slots[3 * j] != EMPTY) {
                    j = (j + 1) & fresh.mask;
                }
                fresh.slots[3 * j + 1] = old.slots[3 * i + 1];
                fresh.slots[3 * j + 2] = old.slots[3 * i + 2];
                if ((head & INLINE) != 0) {
                    fresh.slots[3 * j] = head;
                } else {
                    int o = (int) head;
                    int words = recordWords(old.arena[o]);
                    System.arraycopy(old.arena, o, fresh.arena, next, words);
                    fresh.slots[3 * j] = (long) h << 32 | next;
                    next += words;
                }
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
