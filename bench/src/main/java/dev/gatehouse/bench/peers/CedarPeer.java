package dev.gatehouse.bench.peers;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.exception.CacheException;
import com.cedarpolicy.model.policy.LinkValue;
import com.cedarpolicy.model.policy.Policy;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.model.policy.TemplateLink;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The workload in Cedar (cedar-java, in process; every check crosses JNI into the Rust evaluator), modelled
 * the way Cedar's documentation recommends for per-tenant roles with per-resource grants:
 * <ul>
 *   <li>one policy set per tenant (the policy-store-per-tenant pattern), so a check only ever sees its
 *       tenant's policies; each is pre-parsed and cached on the Rust side ({@link PolicySet#cache()}), so a
 *       check sends its cache key instead of the policies;
 *   <li>company roles as groups: {@code User::"t17-u42"} has parent {@code Role::"t17-editor"}, and one
 *       static policy per role grants its actions on {@code Tenant::"t17"};
 *   <li>room roles as policy templates ({@code permit(principal == ?principal, action in [...], resource ==
 *       ?resource)}, one per tenant role), linked once per room member. Company policies name the tenant
 *       ({@code resource == Tenant::"t17"}), so on a room only the room's links decide.
 * </ul>
 * Cedar is stateless: each check carries the entities it needs (the user with its role, the role, and the
 * tenant or the room), prepared once per request here as an application would load them. Thread-safe after
 * construction (cedar-java's engine is).
 */
public final class CedarPeer {

    private static final EntityTypeName USER = type("User");
    private static final EntityTypeName ROLE = type("Role");
    private static final EntityTypeName TENANT = type("Tenant");
    private static final EntityTypeName ROOM = type("Room");
    private static final EntityTypeName ACTION = type("Action");

    private final List<PolicySet> policySets;
    private final BasicAuthorizationEngine engine = new BasicAuthorizationEngine();

    private CedarPeer(List<PolicySet> policySets) {
        this.policySets = policySets;
    }

    private static EntityTypeName type(String name) {
        return EntityTypeName.parse(name).orElseThrow(() -> new IllegalStateException("bad Cedar type " + name));
    }

    public static CedarPeer load(Workload w) {
        PolicySet.setCacheMaxPolicySets(Math.max(128, w.tenants() * 2));
        List<PolicySet> sets = new ArrayList<>(w.tenants());
        for (int t = 0; t < w.tenants(); t++) {
            sets.add(policySet(w, t));
        }
        return new CedarPeer(sets);
    }

    /** Tenant {@code t}'s policies in Cedar syntax (static policies and templates), for the documentation. */
    static String policiesText(int t) {
        StringBuilder text = new StringBuilder();
        for (int role = 0; role < Workload.ROLES.size(); role++) {
            text.append(companyPolicy(t, role)).append('\n').append(roomTemplate(t, role)).append('\n');
        }
        return text.toString();
    }

    private static String actions(int t, int role) {
        return Workload.grantedPermissions(t, role).stream().map(p -> "Action::\"" + p + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String roleName(int t, int role) {
        return Workload.tenantId(t) + "-" + Workload.ROLES.get(role);
    }

    private static String companyPolicy(int t, int role) {
        return "permit(principal in Role::\"" + roleName(t, role) + "\", action in " + actions(t, role)
                + ", resource == Tenant::\"" + Workload.tenantId(t) + "\");";
    }

    private static String roomTemplate(int t, int role) {
        return "permit(principal == ?principal, action in " + actions(t, role) + ", resource == ?resource);";
    }

    private static PolicySet policySet(Workload w, int t) {
        Set<Policy> policies = new HashSet<>();
        Set<Policy> templates = new HashSet<>();
        for (int role = 0; role < Workload.ROLES.size(); role++) {
            policies.add(new Policy(companyPolicy(t, role), "company-" + Workload.ROLES.get(role)));
            templates.add(new Policy(roomTemplate(t, role), "room-" + Workload.ROLES.get(role)));
        }
        List<TemplateLink> links = new ArrayList<>();
        for (int r = 0; r < w.roomsPerTenant(); r++) {
            for (int k = 0; k < w.membersPerRoom(); k++) {
                int u = w.roomMember(t, r, k);
                links.add(new TemplateLink("room-" + Workload.ROLES.get(w.roomRole(t, r, u)),
                        "room-" + r + "-" + u, List.of(
                                new LinkValue("?principal", USER.of(Workload.userId(t, u))),
                                new LinkValue("?resource", ROOM.of(Workload.roomId(t, r))))));
            }
        }
        PolicySet set = new PolicySet(policies, templates, links);
        try {
            set.cache();
        } catch (CacheException e) {
            throw new IllegalStateException("Cedar refused to cache the policy set of tenant " + t, e);
        }
        return set;
    }

    /** A request with the entities the application would load for it, prepared once. */
    public record Prepared(AuthorizationRequest request, PolicySet policies, Set<Entity> entities) {
    }

    public Prepared prepare(Workload.Request request) {
        int t = request.tenant();
        EntityUID role = ROLE.of(roleName(t, Workload.companyRole(t, request.user())));
        EntityUID user = USER.of(Workload.userId(t, request.user()));
        EntityUID tenant = TENANT.of(Workload.tenantId(t));
        Set<Entity> entities = new HashSet<>();
        entities.add(new Entity(user, Map.<String, Value>of(), Set.of(role)));
        entities.add(new Entity(role));
        EntityUID resource;
        if (request.room() < 0) {
            resource = tenant;
            entities.add(new Entity(tenant));
        } else {
            resource = ROOM.of(Workload.roomId(t, request.room()));
            entities.add(new Entity(resource, Map.<String, Value>of(), Set.of(tenant)));
            entities.add(new Entity(tenant));
        }
        AuthorizationRequest authorization = new AuthorizationRequest(user, ACTION.of(request.permissionName()),
                resource, Map.<String, Value>of());
        return new Prepared(authorization, policySets.get(t), Set.copyOf(entities));
    }

    public boolean check(Prepared p) {
        try {
            AuthorizationResponse response = engine.isAuthorized(p.request(), p.policies(), p.entities());
            return response.success.orElseThrow(() -> new IllegalStateException(
                    "Cedar failed to decide " + p.request() + ": " + response)).isAllowed();
        } catch (AuthException e) {
            throw new IllegalStateException("Cedar failed to decide " + p.request(), e);
        }
    }
}
