package dev.gatehouse.bench.peers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The one workload every peer is measured on: tenants with their own roles, one company role per user,
 * rooms whose role assignments alone decide there, and a fixed list of check requests with their expected
 * answers. Every fact is a pure function of indexes and a fixed seed, so each peer's model is generated from
 * the same source and the expected answer of every request is known without asking any system.
 *
 * <p>Shape: {@code tenants} tenants of {@code usersPerTenant} users and {@code roomsPerTenant} rooms. Each
 * tenant defines the roles admin, editor and viewer over five permissions ({@link #PERMISSIONS}); the
 * definitions differ between tenants (editors may also delete in every third tenant, viewers may also
 * comment in every second), so a model that ignored the tenant would answer some requests wrongly. Every
 * user holds one company role (15% admin, 35% editor, 50% viewer). Each room has {@code membersPerRoom}
 * members, each with a room role drawn independently of the company role: on a room only that role decides,
 * whether stronger or weaker, and a user without one is denied (rooms do not inherit company roles).
 *
 * <p>Requests: {@code requests / 2} company checks (tenant, user, permission) and as many room checks
 * (tenant, user, room, permission), half of them about one of the room's members. Ids are strings shared by
 * every system: tenant {@code t17}, user {@code t17-u42}, room {@code t17-r3}. Immutable and thread-safe.
 */
public record Workload(int tenants, int usersPerTenant, int roomsPerTenant, int membersPerRoom, int requests) {

    public static final List<String> PERMISSIONS = List.of("read", "comment", "write", "delete", "manage");
    public static final List<String> ROLES = List.of("admin", "editor", "viewer");
    public static final int ADMIN = 0;
    public static final int EDITOR = 1;
    public static final int VIEWER = 2;
    private static final long SEED = 0x3C6EF372FE94F82BL;

    /** The two request kinds, measured separately. */
    public enum Kind { COMPANY, ROOM }

    /** One check and its expected answer; {@code room} is -1 for a company check. */
    public record Request(Kind kind, int tenant, int user, int room, int permission, boolean expected) {

        public String permissionName() {
            return PERMISSIONS.get(permission);
        }
    }

    public Workload {
        if (tenants < 1 || usersPerTenant < 1 || roomsPerTenant < 1 || requests < 2) {
            throw new IllegalArgumentException("workload needs at least one tenant, user and room and two requests, got "
                    + tenants + " x " + usersPerTenant + ", " + roomsPerTenant + " rooms, " + requests + " requests");
        }
        if (membersPerRoom < 1 || membersPerRoom > usersPerTenant) {
            throw new IllegalArgumentException("membersPerRoom must be 1.." + usersPerTenant + ", got " + membersPerRoom);
        }
    }

    /** 100 tenants x 100 users, ten rooms of ten members per tenant, 10,000 requests. */
    public static Workload standard() {
        return of(100, 100);
    }

    /** {@code tenants x users} with the standard rooms and requests. */
    public static Workload of(int tenants, int usersPerTenant) {
        return new Workload(tenants, usersPerTenant, 10, Math.min(10, usersPerTenant), 10_000);
    }

    public int users() {
        return tenants * usersPerTenant;
    }

    public int rooms() {
        return tenants * roomsPerTenant;
    }

    public int roomAssignments() {
        return rooms() * membersPerRoom;
    }

    // ---------------------------------------------------------------- ids shared by every system

    public static String tenantId(int t) {
        return "t" + t;
    }

    public static String userId(int t, int u) {
        return "t" + t + "-u" + u;
    }

    public static String roomId(int t, int r) {
        return "t" + t + "-r" + r;
    }

    // ---------------------------------------------------------------- the data, by formula

    /** The permissions role {@code role} grants in tenant {@code t}, as a bit set over {@link #PERMISSIONS}. */
    public static int grants(int t, int role) {
        return switch (role) {
            case ADMIN -> 0b11111;
            case EDITOR -> t % 3 == 0 ? 0b01111 : 0b00111;
            case VIEWER -> t % 2 == 0 ? 0b00011 : 0b00001;
            default -> throw new IllegalArgumentException("role index must be 0..2, got " + role);
        };
    }

    /** The permission names role {@code role} grants in tenant {@code t}, in {@link #PERMISSIONS} order. */
    public static List<String> grantedPermissions(int t, int role) {
        List<String> names = new ArrayList<>();
        int bits = grants(t, role);
        for (int p = 0; p < PERMISSIONS.size(); p++) {
            if ((bits & (1 << p)) != 0) {
                names.add(PERMISSIONS.get(p));
            }
        }
        return Collections.unmodifiableList(names);
    }

    /** The company role of user {@code u}: 15% admin, 35% editor, 50% viewer. */
    public static int companyRole(int t, int u) {
        int bucket = (int) Long.remainderUnsigned(mix(t, u, 1), 100);
        return bucket < 15 ? ADMIN : bucket < 50 ? EDITOR : VIEWER;
    }

    /** The first member of room {@code r}; its members are the next {@code membersPerRoom} users, wrapping. */
    private int roomStart(int t, int r) {
        return (int) Long.remainderUnsigned(mix(t, r, 2), usersPerTenant);
    }

    /** The user index of the {@code k}-th member of room {@code r}. */
    public int roomMember(int t, int r, int k) {
        return (roomStart(t, r) + k) % usersPerTenant;
    }

    /** User {@code u}'s role in room {@code r}, or -1 when it has none there. */
    public int roomRole(int t, int r, int u) {
        int k = Math.floorMod(u - roomStart(t, r), usersPerTenant);
        return k < membersPerRoom ? (int) Long.remainderUnsigned(mix(t, (long) r * usersPerTenant + u, 3), 3) : -1;
    }

    public static boolean allows(int t, int role, int permission) {
        return role >= 0 && (grants(t, role) & (1 << permission)) != 0;
    }

    /** The answer to a company check. */
    public static boolean expectCompany(int t, int u, int permission) {
        return allows(t, companyRole(t, u), permission);
    }

    /** The answer to a room check: the room role alone decides. */
    public boolean expectRoom(int t, int r, int u, int permission) {
        return allows(t, roomRole(t, r, u), permission);
    }

    // ---------------------------------------------------------------- the requests

    /** The fixed company checks, uniform over tenants, users and permissions. */
    public List<Request> companyRequests() {
        SplittableRandom random = new SplittableRandom(SEED ^ 1);
        List<Request> list = new ArrayList<>(requests / 2);
        for (int n = 0; n < requests / 2; n++) {
            int t = random.nextInt(tenants);
            int u = random.nextInt(usersPerTenant);
            int p = random.nextInt(PERMISSIONS.size());
            list.add(new Request(Kind.COMPANY, t, u, -1, p, expectCompany(t, u, p)));
        }
        return Collections.unmodifiableList(list);
    }

    /** The fixed room checks: half about a member of the room, half about any user of the tenant. */
    public List<Request> roomRequests() {
        SplittableRandom random = new SplittableRandom(SEED ^ 2);
        List<Request> list = new ArrayList<>(requests / 2);
        for (int n = 0; n < requests / 2; n++) {
            int t = random.nextInt(tenants);
            int r = random.nextInt(roomsPerTenant);
            int u = random.nextBoolean() ? roomMember(t, r, random.nextInt(membersPerRoom)) : random.nextInt(usersPerTenant);
            int p = random.nextInt(PERMISSIONS.size());
            list.add(new Request(Kind.ROOM, t, u, r, p, expectRoom(t, r, u, p)));
        }
        return Collections.unmodifiableList(list);
    }

    public List<Request> requests(Kind kind) {
        return kind == Kind.COMPANY ? companyRequests() : roomRequests();
    }

    /** A well-mixed 64-bit hash of the seed, two indexes and a stream number (SplitMix64 finalizer). */
    static long mix(long a, long b, long stream) {
        long z = SEED + a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + stream * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
