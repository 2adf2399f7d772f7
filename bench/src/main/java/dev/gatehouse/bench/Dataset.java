package dev.gatehouse.bench;

import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineBuilder;
import dev.gatehouse.json.Json;
import dev.gatehouse.model.ModelParser;
import dev.gatehouse.model.PermissionModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The synthetic tenant population every engine benchmark uses, defined by formula rather than stored: any
 * fact (a member's company role, a document's assigned member and role) is a pure function of its indexes
 * and a fixed seed, so the engine, jCasbin and PostgreSQL are all fed exactly the same data and the
 * expected answer of any check can be computed without asking either engine.
 *
 * <p>Shape: {@code orgs} organizations, each with the roles admin > editor > viewer (admin grants all four
 * permissions, editor read and write, viewer read), {@code membersPerOrg} members (10% external, 15% admin,
 * 35% editor, 40% viewer), and {@code docsPerOrg} documents, each with exactly one assigned member. The
 * role assigned on a document is never below the member's company role (external members get any role):
 * Gatehouse lets the document role override the company role, jCasbin's domain RBAC can only add roles,
 * and with this rule both semantics give the same answers, which the benchmarks verify.
 *
 * <p>Ids: organization {@code o} (0-based index) has id {@code o + 1}; its roles ids {@code 3o + 1..3}
 * (admin, editor, viewer); member {@code i} id {@code o * membersPerOrg + i + 1} (globally unique).
 * Document {@code d} of any organization has resource id {@code "doc-" + d}. Immutable and thread-safe.
 */
public record Dataset(String name, int orgs, int membersPerOrg, int docsPerOrg) {

    public static final String MODEL_ID = "bench-docs";
    public static final String DOC = "doc";
    /** The model's permissions, and the rank a role needs for each (viewer 1, editor 2, admin 3). */
    public static final List<String> PERMISSIONS = List.of("doc.read", "doc.write", "doc.delete", "members.manage");
    private static final int[] NEEDED_RANK = {1, 2, 3, 3};
    /** Role names by rank; rank 0 means no role (an external member's company role). */
    static final String[] ROLE_NAMES = {null, "viewer", "editor", "admin"};
    private static final long SEED = 0x6A09E667F3BCC908L;

    /** 1,000 organizations x 1,000 members, 1,000 documents each: 1M members, 1M assignments. */
    public static final Dataset SMALL = new Dataset("small", 1_000, 1_000, 1_000);
    /** 10,000 organizations x 100 members, 1,000 documents each: 1M members, 10M assignments. */
    public static final Dataset LARGE = new Dataset("large", 10_000, 100, 1_000);

    /** {@code small}, {@code large}, or {@code <orgs>x<members>x<docs>} (per organization). */
    public static Dataset named(String name) {
        if (name.equals(SMALL.name)) {
            return SMALL;
        }
        if (name.equals(LARGE.name)) {
            return LARGE;
        }
        String[] parts = name.split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("dataset must be small, large or <orgs>x<members>x<docs>, got " + name);
        }
        return new Dataset(name, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    public long members() {
        return (long) orgs * membersPerOrg;
    }

    public long assignments() {
        return (long) orgs * docsPerOrg;
    }

    /** The benchmark permission model, parsed the way a custom model registered at run time is. */
    public static PermissionModel model() {
        try (InputStream in = Dataset.class.getResourceAsStream("/bench-docs-model.json")) {
            if (in == null) {
                throw new IllegalStateException("bench-docs-model.json missing from the class path");
            }
            return ModelParser.parse(Json.MAPPER.readTree(in), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, empty engine that knows the benchmark model (and only it), to fill with {@link #load}. */
    public static EngineBuilder newEngine() {
        Catalog catalog = model().catalog();
        return DecisionEngine.builder(catalog);
    }

    // ---------------------------------------------------------------- the data, by formula

    public static long orgId(int o) {
        return o + 1L;
    }

    /** @param rank 3 admin, 2 editor, 1 viewer */
    public static long roleId(int o, int rank) {
        return 3L * o + (4 - rank);
    }

    public long memberId(int o, int i) {
        return (long) o * membersPerOrg + i + 1;
    }

    public static String userId(long memberId) {
        return "user-" + memberId;
    }

    public static String docId(int d) {
        return "doc-" + d;
    }

    /** The company role rank of member {@code i}: 0 for external members. */
    public static int companyRank(int o, int i) {
        int bucket = (int) Long.remainderUnsigned(mix(o, i, 1), 100);
        if (bucket < 10) {
            return 0;
        }
        if (bucket < 25) {
            return 3;
        }
        return bucket < 60 ? 2 : 1;
    }

    /** The member index holding the one assignment on document {@code d}. */
    public int docMember(int o, int d) {
        return (int) Long.remainderUnsigned(mix(o, d, 2), membersPerOrg);
    }

    /** The role rank assigned on document {@code d}: at least the holder's company role. */
    public int docRank(int o, int d) {
        int company = companyRank(o, docMember(o, d));
        int floor = Math.max(company, 1);
        return floor + (int) Long.remainderUnsigned(mix(o, d, 3), 4 - floor);
    }

    public static int neededRank(int permission) {
        return NEEDED_RANK[permission];
    }

    /** The answer to the organization-wide check. */
    public static boolean expectCompany(int o, int i, int permission) {
        return companyRank(o, i) >= neededRank(permission);
    }

    /** The answer to the check on document {@code d}: its assignment decides, else the company role. */
    public boolean expectResource(int o, int i, int permission, int d) {
        int rank = docMember(o, d) == i ? docRank(o, d) : companyRank(o, i);
        return rank >= neededRank(permission);
    }

    /** Loads organizations, roles, members and assignments as engine operations. */
    public void load(EngineBuilder engine) {
        loadDirectory(engine);
        loadAssignments(engine);
    }

    /** Organizations, roles and members only. */
    public void loadDirectory(EngineBuilder engine) {
        List<List<String>> grants = List.of(List.of(), PERMISSIONS.subList(0, 1), PERMISSIONS.subList(0, 2),
                PERMISSIONS);
        for (int o = 0; o < orgs; o++) {
            long org = orgId(o);
            engine.organization(org, MODEL_ID);
            for (int rank = 3; rank >= 1; rank--) {
                engine.role(org, roleId(o, rank), ROLE_NAMES[rank], grants.get(rank));
            }
            for (int i = 0; i < membersPerOrg; i++) {
                int rank = companyRank(o, i);
                long member = memberId(o, i);
                if (rank == 0) {
                    engine.externalMember(org, member, userId(member));
                } else {
                    engine.member(org, member, userId(member), roleId(o, rank));
                }
            }
        }
    }

    public void loadAssignments(EngineBuilder engine) {
        for (int o = 0; o < orgs; o++) {
            for (int d = 0; d < docsPerOrg; d++) {
                engine.assignment(orgId(o), DOC, docId(d), memberId(o, docMember(o, d)), roleId(o, docRank(o, d)));
            }
        }
    }

    /** A well-mixed 64-bit hash of the seed, two indexes and a stream number (SplitMix64 finalizer). */
    static long mix(long a, long b, long stream) {
        long z = SEED + a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + stream * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
