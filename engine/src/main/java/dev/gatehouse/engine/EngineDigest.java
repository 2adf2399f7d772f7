package dev.gatehouse.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A SHA-256 over everything that decides: organizations and their models, roles (permissions, external,
 * visibility, whether they take grants), members (user id, company role, status), per-member grants, resources'
 * parents and resource assignments, each
 * visited in a fixed order. Two engines with equal digests answer every question alike. For tests and diagnostics
 * (O(state) per call); never on the check path.
 */
final class EngineDigest {

    private final MessageDigest sha;

    private EngineDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String of(LongMap<OrgState> orgs) {
        EngineDigest d = new EngineDigest();
        for (OrgState org : sorted(orgs).values()) {
            d.add("org", org.id, org.catalog.id());
            for (RoleEntry role : sorted(org.roles).values()) {
                d.add("role", role.id(), role.name(), role.external(), Arrays.toString(role.bits()),
                        role.visibility() == null ? "all"
                                : role.visibility().userFieldIds() + "/" + role.visibility().allowUnassigned(),
                        role.takesGrants());
            }
            TreeMap<Long, MemberEntry> members = new TreeMap<>();
            org.members.forEachEntry(member -> members.put(member.id(), member));
            for (MemberEntry member : members.values()) {
                d.add("member", member.id(), member.userId(), member.roleId(), member.external(), member.active());
            }
            for (Map.Entry<Long, long[]> grants : sorted(org.grants).entrySet()) {
                d.add("grants", grants.getKey(), Arrays.toString(grants.getValue()));
            }
            for (Map.Entry<String, ResourceIndex> type : new TreeMap<>(org.resources).entrySet()) {
                for (Map.Entry<String, String> link : new TreeMap<>(type.getValue().parents).entrySet()) {
                    d.add("parent", type.getKey(), link.getKey(), link.getValue());
                }
                TreeMap<String, ResourceEntry> entries = new TreeMap<>();
                type.getValue().byResource.forEach(entry -> entries.put(entry.resourceId, entry));
                for (ResourceEntry entry : entries.values()) {
                    for (int i = 0; i < entry.memberIds.length; i++) {
                        d.add("assignment", type.getKey(), entry.resourceId, entry.memberIds[i], entry.roleIds[i]);
                    }
                }
            }
        }
        return HexFormat.of().formatHex(d.sha.digest());
    }

    private static <V> TreeMap<Long, V> sorted(LongMap<V> map) {
        TreeMap<Long, V> out = new TreeMap<>();
        map.forEach(out::put);
        return out;
    }

    private void add(Object... parts) {
        List<String> text = new ArrayList<>(parts.length);
        for (Object part : parts) {
            text.add(String.valueOf(part));
        }
        sha.update(String.join("\u001f", text).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
    }
}
