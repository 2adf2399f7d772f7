package dev.gatehouse.bench;

import java.util.SplittableRandom;

/**
 * A pre-generated, fixed list of check requests over a {@link Dataset}, read by a rotating index so the
 * JIT sees different arguments on every call and cannot fold the check away. Requests are drawn uniformly
 * over all organizations and members (the worst case for caches), then accepted so that exactly
 * {@code denyShare} of them are denials. Held as parallel arrays; the resource ids are fresh String
 * instances (as a request parser would produce), not the instances the engine holds.
 *
 * <p>Resource checks: half of them ask about the document's assigned member (the decision comes from the
 * document role), half about a random member of the organization (almost always the company-role
 * fallback). Immutable after construction.
 */
public final class Checks {

    /** Number of requests; a power of two so the rotating index is a mask. */
    public static final int SIZE = 1 << 20;
    public static final int MASK = SIZE - 1;

    public final int[] orgIndex = new int[SIZE];
    public final int[] memberIndex = new int[SIZE];
    public final int[] docIndex = new int[SIZE];
    public final long[] orgId = new long[SIZE];
    public final long[] memberId = new long[SIZE];
    public final String[] permission = new String[SIZE];
    public final int[] permissionIndex = new int[SIZE];
    /** Null for organization-wide checks. */
    public final String[] resourceId = new String[SIZE];
    public final boolean[] expected = new boolean[SIZE];

    private Checks() {
    }

    /** Organization-wide checks (the company-role path), over every organization. */
    public static Checks company(Dataset data, double denyShare, long seed) {
        return generate(data, data.orgs(), denyShare, seed, false);
    }

    /** Checks on a document (the resource-role path, with company-role fallback), over every organization. */
    public static Checks resource(Dataset data, double denyShare, long seed) {
        return generate(data, data.orgs(), denyShare, seed, true);
    }

    /**
     * Checks over the first {@code orgs} organizations only: a hot working set that fits the CPU caches
     * (all organizations when {@code orgs} is 0).
     */
    public static Checks of(Dataset data, int orgs, boolean onResource, double denyShare, long seed) {
        return generate(data, orgs == 0 ? data.orgs() : Math.min(orgs, data.orgs()), denyShare, seed, onResource);
    }

    private static Checks generate(Dataset data, int orgs, double denyShare, long seed, boolean onResource) {
        Checks c = new Checks();
        SplittableRandom random = new SplittableRandom(seed);
        int denials = (int) Math.round(SIZE * denyShare);
        for (int n = 0; n < SIZE; n++) {
            // each slot is a denial with the remaining quota's probability, so denials are spread evenly
            boolean wantAllow = random.nextInt(SIZE - n) >= denials;
            if (!wantAllow) {
                denials--;
            }
            int o;
            int i;
            int p;
            int d;
            boolean allow;
            do {
                o = random.nextInt(orgs);
                p = random.nextInt(Dataset.PERMISSIONS.size());
                d = onResource ? random.nextInt(data.docsPerOrg()) : -1;
                i = onResource && random.nextBoolean() ? data.docMember(o, d) : random.nextInt(data.membersPerOrg());
                allow = onResource ? data.expectResource(o, i, p, d) : Dataset.expectCompany(o, i, p);
            } while (allow != wantAllow);
            c.orgIndex[n] = o;
            c.memberIndex[n] = i;
            c.docIndex[n] = d;
            c.orgId[n] = Dataset.orgId(o);
            c.memberId[n] = data.memberId(o, i);
            c.permissionIndex[n] = p;
            c.permission[n] = Dataset.PERMISSIONS.get(p);
            c.resourceId[n] = onResource ? Dataset.docId(d) : null;
            c.expected[n] = allow;
        }
        return c;
    }

    /** Share of requests whose expected answer is a denial. */
    public double denyShare() {
        int denied = 0;
        for (boolean allow : expected) {
            denied += allow ? 0 : 1;
        }
        return denied / (double) SIZE;
    }
}
