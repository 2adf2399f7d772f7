package dev.gatehouse.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The workload as Cerbos policies, the way Cerbos documents multi-tenancy with resource-level roles:
 * <ul>
 *   <li>one scope per tenant ({@code t17}); a scoped resource policy per tenant and resource kind
 *       ({@code company}, {@code room}) holds that tenant's own role definitions; root policies deny every
 *       action, so with {@code SCOPE_PERMISSIONS_OVERRIDE_PARENT} (the default) an action not allowed in the
 *       tenant's scope is denied;
 *   <li>company roles are principal roles: Cerbos is stateless, so the caller passes the user's role in
 *       the tenant ({@code principal.roles});
 *   <li>room roles are derived roles ({@code room_admin}, ...) computed from resource attributes: the caller
 *       passes the room's member roles ({@code resource.attr.roles}, here only the requesting user's entry,
 *       the least a caller must send). The room policy grants only to derived roles, so the room role alone
 *       decides there.
 * </ul>
 * The caller's work (looking up the company role and the room role before every check) is not measured:
 * Cerbos receives them for free, which favours it. Immutable and thread-safe.
 */
final class CerbosPeer {

    private final Workload workload;

    CerbosPeer(Workload workload) {
        this.workload = workload;
    }

    /** Writes the policy tree into {@code dir} (created). */
    void writePolicies(Path dir) {
        try {
            Files.createDirectories(dir.resolve("tenants"));
            Files.writeString(dir.resolve("room_roles.yaml"), derivedRoles());
            Files.writeString(dir.resolve("company.yaml"), rootPolicy("company"));
            Files.writeString(dir.resolve("room.yaml"), rootPolicy("room"));
            for (int t = 0; t < workload.tenants(); t++) {
                Files.writeString(dir.resolve("tenants/" + Workload.tenantId(t) + "-company.yaml"), companyPolicy(t));
                Files.writeString(dir.resolve("tenants/" + Workload.tenantId(t) + "-room.yaml"), roomPolicy(t));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server configuration: loopback only, policies from disk, no audit log, no telemetry. */
    static String config(Path policies, int httpPort, int grpcPort) {
        return String.join("\n",
                "server:",
                "  httpListenAddr: \"127.0.0.1:" + httpPort + "\"",
                "  grpcListenAddr: \"127.0.0.1:" + grpcPort + "\"",
                "storage:",
                "  driver: disk",
                "  disk:",
                "    directory: \"" + policies + "\"",
                "    watchForChanges: false",
                "audit:",
                "  enabled: false",
                "telemetry:",
                "  disabled: true",
                "");
    }

    static String derivedRoles() {
        StringBuilder yaml = new StringBuilder(String.join("\n",
                "apiVersion: api.cerbos.dev/v1",
                "derivedRoles:",
                "  name: room_roles",
                "  definitions:",
                ""));
        for (String role : Workload.ROLES) {
            yaml.append("    - name: room_").append(role).append('\n')
                    .append("      parentRoles: [\"*\"]\n")
                    .append("      condition:\n")
                    .append("        match:\n")
                    .append("          expr: P.id in R.attr.roles && R.attr.roles[P.id] == \"").append(role).append("\"\n");
        }
        return yaml.toString();
    }

    static String rootPolicy(String kind) {
        return String.join("\n",
                "apiVersion: api.cerbos.dev/v1",
                "resourcePolicy:",
                "  version: default",
                "  resource: " + kind,
                "  rules:",
                "    - actions: [\"*\"]",
                "      effect: EFFECT_DENY",
                "      roles: [\"*\"]",
                "");
    }

    static String companyPolicy(int t) {
        StringBuilder yaml = new StringBuilder(scopedHeader(t, "company"));
        for (int role = 0; role < Workload.ROLES.size(); role++) {
            yaml.append("    - actions: ").append(actions(t, role)).append('\n')
                    .append("      effect: EFFECT_ALLOW\n")
                    .append("      roles: [\"").append(Workload.ROLES.get(role)).append("\"]\n");
        }
        return yaml.toString();
    }

    static String roomPolicy(int t) {
        StringBuilder yaml = new StringBuilder(scopedHeader(t, "room").replace("  rules:\n",
                "  importDerivedRoles: [room_roles]\n  rules:\n"));
        for (int role = 0; role < Workload.ROLES.size(); role++) {
            yaml.append("    - actions: ").append(actions(t, role)).append('\n')
                    .append("      effect: EFFECT_ALLOW\n")
                    .append("      derivedRoles: [\"room_").append(Workload.ROLES.get(role)).append("\"]\n");
        }
        return yaml.toString();
    }

    private static String scopedHeader(int t, String kind) {
        return String.join("\n",
                "apiVersion: api.cerbos.dev/v1",
                "resourcePolicy:",
                "  version: default",
                "  scope: " + Workload.tenantId(t),
                "  scopePermissions: SCOPE_PERMISSIONS_OVERRIDE_PARENT",
                "  resource: " + kind,
                "  rules:",
                "");
    }

    private static String actions(int t, int role) {
        List<String> names = Workload.grantedPermissions(t, role);
        return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", ", "[", "]"));
    }

    /** The body of {@code POST /api/check/resources} for a request, with what the caller looked up. */
    String body(Workload.Request r) {
        String user = Workload.userId(r.tenant(), r.user());
        String principal = "{\"id\":\"" + user + "\",\"roles\":[\""
                + Workload.ROLES.get(Workload.companyRole(r.tenant(), r.user())) + "\"]}";
        String resource;
        if (r.room() < 0) {
            resource = "{\"kind\":\"company\",\"id\":\"" + Workload.tenantId(r.tenant()) + "\",\"scope\":\""
                    + Workload.tenantId(r.tenant()) + "\"}";
        } else {
            int roomRole = workload.roomRole(r.tenant(), r.room(), r.user());
            String roles = roomRole < 0 ? "{}" : "{\"" + user + "\":\"" + Workload.ROLES.get(roomRole) + "\"}";
            resource = "{\"kind\":\"room\",\"id\":\"" + Workload.roomId(r.tenant(), r.room()) + "\",\"scope\":\""
                    + Workload.tenantId(r.tenant()) + "\",\"attr\":{\"roles\":" + roles + "}}";
        }
        return "{\"principal\":" + principal + ",\"resources\":[{\"resource\":" + resource + ",\"actions\":[\""
                + r.permissionName() + "\"]}]}";
    }
}
