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
 * viewer through {@code g} links; each role's own permissions are four {@code p} rules shared by all
 * domains (the smallest policy jCasbin can have, which favours it: it scans every {@code p} rule per
 * request).
 *
 * <p>Two matchers: {@code m} for an organization-wide check (the role in the organization's domain) and
 * {@code m2} for a document check (a role in the document's domain or, inherited, in the organization's).
 * jCasbin can only add roles, so a document role cannot lower the company role as it can in Gatehouse;
 * {@link Dataset} never assigns a document role below the company role, so both give the same answers.
 */
public final class CasbinPeer {

    static final String MODEL = String.join("\n",
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
            "m = g(r.sub, p.sub, r.dom) && r.act == p.act",
            "m2 = (g(r2.sub, p2.sub, r2.res) || g(r2.sub, p2.sub, r2.org)) && r2.act == p2.act");

    private static final int BATCH = 100_000;

    private final Enforcer enforcer;
    private final EnforceContext onResource = new EnforceContext("2");

    private CasbinPeer(Enforcer enforcer) {
        this.enforcer = enforcer;
    }

    /** Builds an enforcer holding the whole dataset. */
    public static CasbinPeer load(Dataset data) {
        Util.enableLog = false;
        Enforcer enforcer = new Enforcer(Model.newModelFromString(MODEL), null, false);
        enforcer.enableLog(false);
        for (String ptype : List.of("p", "p2")) {
            enforcer.addNamedPolicy(ptype, "viewer", "doc.read");
            enforcer.addNamedPolicy(ptype, "editor", "doc.write");
            enforcer.addNamedPolicy(ptype, "admin", "doc.delete");
            enforcer.addNamedPolicy(ptype, "admin", "members.manage");
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
