package dev.gatehouse.bench.peers;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The workload as a SpiceDB schema and relationships, following AuthZed's pattern for user-defined roles:
 * a {@code role} object per tenant role whose relations name the permissions it grants (wildcard
 * {@code user:*}), and a {@code role_binding} that joins subjects to one role. A tenant's company roles are
 * three bindings on the tenant ({@code tenant:t17#granted}); a room's roles are bindings on the room, using
 * the tenant's role objects. A permission on a tenant or a room is {@code granted->permission}, the
 * intersection of being a binding's subject and the binding's role granting it, so on a room only the room's
 * bindings decide. SpiceDB holds all of it (it is a database, unlike Cerbos); checks name only the resource,
 * the permission and the user. Immutable and thread-safe.
 */
final class SpiceDbPeer {

    private final Workload workload;

    SpiceDbPeer(Workload workload) {
        this.workload = workload;
    }

    static String schema() {
        StringBuilder s = new StringBuilder("definition user {}\n\ndefinition role {\n");
        for (String p : Workload.PERMISSIONS) {
            s.append("    relation grants_").append(p).append(": user:*\n");
        }
        s.append("}\n\ndefinition role_binding {\n    relation subject: user\n    relation role: role\n");
        for (String p : Workload.PERMISSIONS) {
            s.append("    permission ").append(p).append(" = subject & role->grants_").append(p).append('\n');
        }
        s.append("}\n");
        for (String type : new String[] {"tenant", "room"}) {
            s.append("\ndefinition ").append(type).append(" {\n    relation granted: role_binding\n");
            for (String p : Workload.PERMISSIONS) {
                s.append("    permission ").append(p).append(" = granted->").append(p).append('\n');
            }
            s.append("}\n");
        }
        return s.toString();
    }

    /**
     * Writes one relationship per line ({@code type:id#relation@type:id}); role grants come first so the
     * last line is an ordinary relationship the server can probe for visibility.
     */
    void writeRelationships(Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int t = 0; t < workload.tenants(); t++) {
                for (int role = 0; role < Workload.ROLES.size(); role++) {
                    for (String p : Workload.grantedPermissions(t, role)) {
                        out.write("role:" + role(t, role) + "#grants_" + p + "@user:*\n");
                    }
                }
            }
            for (int t = 0; t < workload.tenants(); t++) {
                for (int role = 0; role < Workload.ROLES.size(); role++) {
                    String binding = role(t, role);
                    out.write("role_binding:" + binding + "#role@role:" + role(t, role) + "\n");
                    out.write("tenant:" + Workload.tenantId(t) + "#granted@role_binding:" + binding + "\n");
                }
                for (int u = 0; u < workload.usersPerTenant(); u++) {
                    out.write("role_binding:" + role(t, Workload.companyRole(t, u)) + "#subject@user:"
                            + Workload.userId(t, u) + "\n");
                }
                for (int r = 0; r < workload.roomsPerTenant(); r++) {
                    String room = Workload.roomId(t, r);
                    boolean[] bound = new boolean[Workload.ROLES.size()];
                    for (int k = 0; k < workload.membersPerRoom(); k++) {
                        int u = workload.roomMember(t, r, k);
                        int role = workload.roomRole(t, r, u);
                        String binding = room + "-" + Workload.ROLES.get(role);
                        if (!bound[role]) {
                            bound[role] = true;
                            out.write("role_binding:" + binding + "#role@role:" + role(t, role) + "\n");
                            out.write("room:" + room + "#granted@role_binding:" + binding + "\n");
                        }
                        out.write("role_binding:" + binding + "#subject@user:" + Workload.userId(t, u) + "\n");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String role(int t, int role) {
        return Workload.tenantId(t) + "-" + Workload.ROLES.get(role);
    }

    /** The body the SpiceDB check server takes: the resource, the permission and the user. */
    static String body(Workload.Request r) {
        String resource = r.room() < 0 ? "tenant:" + Workload.tenantId(r.tenant())
                : "room:" + Workload.roomId(r.tenant(), r.room());
        return "{\"resource\":\"" + resource + "\",\"permission\":\"" + r.permissionName() + "\",\"subject\":\"user:"
                + Workload.userId(r.tenant(), r.user()) + "\"}";
    }
}
