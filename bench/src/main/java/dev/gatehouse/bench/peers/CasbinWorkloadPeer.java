package dev.gatehouse.bench.peers;

import java.util.ArrayList;
import java.util.List;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.casbin.jcasbin.util.EnforceContext;
import org.casbin.jcasbin.util.Util;

/**
 * The workload in jCasbin's RBAC with domains, the way its documentation models per-tenant roles: each tenant
 * is a domain ({@code t17}) and so is each room ({@code t17-r3}); {@code g = user, role, domain} gives a user
 * its company role in the tenant's domain and its room role in the room's; {@code p = role, tenant, action}
 * holds each tenant's own role definitions. Company checks ({@code m}) match a role in the tenant's domain;
 * room checks ({@code m2}) only a role in the room's domain, so the room role alone decides there. Matchers
 * put the cheap string comparisons first, which favours jCasbin. Not thread-safe beyond what jCasbin's
 * enforcer guarantees; the benchmark reads it from one thread.
 */
public final class CasbinWorkloadPeer {

    static final String MODEL = String.join("\n",
            "[request_definition]",
            "r = sub, dom, act",
            "r2 = sub, dom, res, act",
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
            "m2 = r2.dom == p2.dom && r2.act == p2.act && g(r2.sub, p2.sub, r2.res)");

    private final Enforcer enforcer;
    private final EnforceContext onRoom = new EnforceContext("2");

    private CasbinWorkloadPeer(Enforcer enforcer) {
        this.enforcer = enforcer;
    }

    public static CasbinWorkloadPeer load(Workload w) {
        Util.enableLog = false;
        Enforcer enforcer = new Enforcer(Model.newModelFromString(MODEL), null, false);
        enforcer.enableLog(false);
        List<List<String>> rules = new ArrayList<>();
        for (int t = 0; t < w.tenants(); t++) {
            for (int role = 0; role < Workload.ROLES.size(); role++) {
                for (String permission : Workload.grantedPermissions(t, role)) {
                    rules.add(List.of(Workload.ROLES.get(role), Workload.tenantId(t), permission));
                }
            }
        }
        enforcer.addNamedPolicies("p", rules);
        enforcer.addNamedPolicies("p2", rules);
        List<List<String>> links = new ArrayList<>();
        for (int t = 0; t < w.tenants(); t++) {
            for (int u = 0; u < w.usersPerTenant(); u++) {
                links.add(List.of(Workload.userId(t, u), Workload.ROLES.get(Workload.companyRole(t, u)), Workload.tenantId(t)));
            }
            for (int r = 0; r < w.roomsPerTenant(); r++) {
                for (int k = 0; k < w.membersPerRoom(); k++) {
                    int u = w.roomMember(t, r, k);
                    links.add(List.of(Workload.userId(t, u), Workload.ROLES.get(w.roomRole(t, r, u)), Workload.roomId(t, r)));
                }
            }
        }
        enforcer.addGroupingPolicies(links);
        return new CasbinWorkloadPeer(enforcer);
    }

    /** A request as jCasbin's string arguments, prepared once; {@code room} is null for a company check. */
    public record Prepared(String user, String tenant, String room, String permission) {
    }

    public static Prepared prepare(Workload.Request request) {
        return new Prepared(Workload.userId(request.tenant(), request.user()), Workload.tenantId(request.tenant()),
                request.room() < 0 ? null : Workload.roomId(request.tenant(), request.room()), request.permissionName());
    }

    public boolean check(Prepared p) {
        return p.room() == null
                ? enforcer.enforce(p.user(), p.tenant(), p.permission())
                : enforcer.enforce(onRoom, p.user(), p.tenant(), p.room(), p.permission());
    }
}
