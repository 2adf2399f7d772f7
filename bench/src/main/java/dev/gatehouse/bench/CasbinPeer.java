package dev.gatehouse.bench;

import java.util.ArrayList;
import java.util.List;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.casbin.jcasbin.util.EnforceContext;
import org.casbin.jcasbin.util.Util;

/**
 * The same {@link Dataset} expressed in jCasbin's RBAC with domains, the way a jCasbin user would write it:
 * {@code g = _, _, _} links a user to a role in a domain; an organization is a domain ({@code o<id>}) and
 * so is each document ({@code o<id>/doc-<d>}); in every domain admin inherits editor and editor inherits
 * viewer through {@code g} links. Two ways to hold the roles' permissions ({@code p} rules):
 * <ul>
 *   <li>{@link Roles#SHARED}: four rules shared by every organization ({@code p = sub, act}). jCasbin's best
 *       case (it scans every {@code p} rule per request), valid only because every organization of the
 *       dataset happens to define its roles identically.
 *   <li>{@link Roles#PER_ORG}: each organization has its own roles, as in Gatehouse where roles are
 *       custom per organization: four rules per organization ({@code p = sub, dom, act}), 4,000 for the
 *       small dataset.
 * </ul>
 * Matchers put the cheap string comparisons before the {@code g} role lookups, which favours jCasbin (it
 * evaluates {@code &&} left to right). {@code m} answers an organization-wide check (a role in the
 * organization's domain), {@code m2} a document check (a role in the document's domain or, inherited, in
 * the organization's). jCasbin can only add roles, so a document role cannot lower the company role as it
 * can in Gatehouse; {@link Dataset} never assigns a document role below the company role, so both give
 * the same answers. Not thread-safe beyond what jCasbin's enforcer guarantees.
 */
public final class CasbinPeer {

    /** How the roles' permissions are held; see the class comment. */
    public enum Roles { SHARED, PER_ORG }

    static final String SHARED_MODEL = String.join("\n",
            "[request_definition]",
            "r = sub, dom, act",
            "r2 = sub, org, res, act",
            "[policy_definition]",
            "p = sub, act",
            "p2 = sub, act",
            "[role_definition]",
            "g = _, _, _",
            "[policy_effect]",
            "e = some(where (p.eft == allow))",
            "e2 = some(where (p.eft == allow))",
            "[matchers]",
            "m = r.act == p.act && g(r.sub, p.sub, r.dom)",
            "m2 = r2.act == p2.act && (g(r2.sub, p2.sub, r2.res) || g(r2.sub, p2.sub, r2.org))");

    static final String PER_ORG_MODEL = String.join("\n",
            "[request_definition]",
            "r = sub, dom, act",
            "r2 = sub, org, res, act",
            "[policy_definition]",
            "p = sub, dom, act",
            "p2 = sub, dom, act",
            "[role_definition]",
            "g = _, _, _",
            "[policy_effect]",
            "e = some(where (p.eft == allow))",
            "e2 = some(where (p.eft == allow))",
            "[matchers]",
            "m = r.dom == p.dom && r.act == p.act && g(r.sub, p.sub, r.dom)",
            "m2 = r2.org == p2.dom && r2.act == p2.act && (g(r2.sub, p2.sub, r2.res) || g(r2.sub, p2.sub, r2.org))");

    private static final int BATCH = 100_000;

    private final Enforcer enforcer;
    private final EnforceContext onResource = new EnforceContext("2");

    private CasbinPeer(Enforcer enforcer) {
        this.enforcer = enforcer;
    }

    /** Builds an enforcer holding the whole dataset. */
    public static CasbinPeer load(Dataset data, Roles roles) {
        Util.enableLog = false;
        boolean shared = roles == Roles.SHARED;
        Enforcer enforcer = new Enforcer(Model.newModelFromString(shared ? SHARED_MODEL : PER_ORG_MODEL), null, false);
        enforcer.enableLog(false);
        for (String ptype : List.of("p", "p2")) {
            List<List<String>> rules = new ArrayList<>();
            for (int o = 0; o < (shared ? 1 : data.orgs()); o++) {
                String org = org(o);
                for (String[] grant : new String[][] {{"viewer", "doc.read"}, {"editor", "doc.write"},
                        {"admin", "doc.delete"}, {"admin", "members.manage"}}) {
                    rules.add(shared ? List.of(grant[0], grant[1]) : List.of(grant[0], org, grant[1]));
                }
            }
            enforcer.addNamedPolicies(ptype, rules);
        }
        List<List<String>> links = new ArrayList<>(BATCH + 4);
        for (int o = 0; o < data.orgs(); o++) {
            String org = org(o);
            hierarchy(links, org);
            for (int i = 0; i < data.membersPerOrg(); i++) {
                int rank = Dataset.companyRank(o, i);
                if (rank > 0) {
                    links.add(List.of(subject(data.memberId(o, i)), Dataset.ROLE_NAMES[rank], org));
                }
            }
            for (int d = 0; d < data.docsPerOrg(); d++) {
                String doc = resource(o, Dataset.docId(d));
                hierarchy(links, doc);
                links.add(List.of(subject(data.memberId(o, data.docMember(o, d))),
                        Dataset.ROLE_NAMES[data.docRank(o, d)], doc));
                if (links.size() >= BATCH) {
                    enforcer.addGroupingPolicies(links);
                    links.clear();
                }
            }
        }
        enforcer.addGroupingPolicies(links);
        return new CasbinPeer(enforcer);
    }

    private static void hierarchy(List<List<String>> links, String domain) {
        links.add(List.of("admin", "editor", domain));
        links.add(List.of("editor", "viewer", domain));
    }

    static String subject(long memberId) {
        return "m" + memberId;
    }

    static String org(int o) {
        return "o" + Dataset.orgId(o);
    }

    static String resource(int o, String docId) {
        return org(o) + "/" + docId;
    }

    public int groupingRules() {
        return enforcer.getGroupingPolicy().size();
    }

    public int policyRules() {
        return enforcer.getPolicy().size();
    }

    public boolean check(String subject, String org, String permission) {
        return enforcer.enforce(subject, org, permission);
    }

    public boolean check(String subject, String org, String resource, String permission) {
        return enforcer.enforce(onResource, subject, org, resource, permission);
    }

    /** The requests of {@link Checks}, as jCasbin's string arguments. Immutable after construction. */
    public static final class Requests {
        public final String[] subject = new String[Checks.SIZE];
        public final String[] org = new String[Checks.SIZE];
        /** Null for organization-wide checks. */
        public final String[] resource = new String[Checks.SIZE];
        public final String[] permission = new String[Checks.SIZE];
        public final boolean[] expected;

        public Requests(Checks checks) {
            expected = checks.expected;
            for (int n = 0; n < Checks.SIZE; n++) {
                subject[n] = subject(checks.memberId[n]);
                org[n] = org(checks.orgIndex[n]);
                resource[n] = checks.resourceId[n] == null ? null : resource(checks.orgIndex[n], checks.resourceId[n]);
                permission[n] = checks.permission[n];
            }
        }
    }

    /** Checks the first {@code count} requests against their expected answers. */
    public void verify(Requests requests, int count) {
        for (int n = 0; n < count; n++) {
            boolean actual = requests.resource[n] == null
                    ? check(requests.subject[n], requests.org[n], requests.permission[n])
                    : check(requests.subject[n], requests.org[n], requests.resource[n], requests.permission[n]);
            if (actual != requests.expected[n]) {
                throw new IllegalStateException("jCasbin answers " + actual + " for request #" + n + " ("
                        + requests.subject[n] + ", " + requests.org[n] + ", " + requests.resource[n] + ", "
                        + requests.permission[n] + "), expected " + requests.expected[n]);
            }
        }
    }
}
