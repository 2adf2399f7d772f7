package dev.gatehouse.http.close;

import dev.gatehouse.closemembership.CloseMembershipService;
import dev.gatehouse.closemembership.Membership;
import dev.gatehouse.closemembership.MembershipUpdate;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.http.close.CloseApi.Permission;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /membership/}: provisioning, role changes, Close's per-membership settings, deactivation and
 * pinned views, over {@link CloseMembershipService}, which keeps every rule (managing memberships needs
 * {@code manage_organization}; a member may read and set its own pinned views). This class reads Close's
 * bodies and ids and writes Close's answers and error messages.
 *
 * <p>Thread-safe: no state of its own.
 */
final class MembershipsResource {

    private static final Pattern EMAIL_DOMAIN = Pattern.compile("[^@]+@[^@]+\\.[^@]+");
    private static final int MAX_BULK = 1000;
    private static final int MAX_PINNED = 100;
    /** A saved view's id as Close writes its ids: {@code save_} followed by ASCII letters and digits. */
    private static final Pattern SAVED_VIEW_ID = Pattern.compile("save_[0-9A-Za-z]+");

    private final CloseMembershipService memberships;
    private final RoleService roles;

    MembershipsResource(CloseMembershipService memberships, RoleService roles) {
        this.memberships = memberships;
        this.roles = roles;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/membership/", this::create)
                        .needs(Permission.MANAGE_ORGANIZATION, "adding a membership"),
                Endpoint.put("/membership/", this::bulkUpdate)
                        .needs(Permission.MANAGE_ORGANIZATION, "updating memberships"),
                Endpoint.put("/membership/{id}/", this::update)
                        .needs(Permission.MANAGE_ORGANIZATION, "updating a membership"),
                Endpoint.delete("/membership/{id}/", this::deactivate)
                        .needs(Permission.MANAGE_ORGANIZATION, "deactivating a membership"),
                Endpoint.get("/membership/{id}/pinned_views/", this::pinnedViews),
                Endpoint.put("/membership/{id}/pinned_views/", this::setPinnedViews)
                        .needs(Permission.MANAGE_ORGANIZATION, "setting another member's pinned views")
                        .exceptOnOwnMembership()
                        .admitting(this::requireMaySetPinnedViews));
    }

    /** {@code {"email", "role_id"}}: adds the person (a new user id when unknown here) or reactivates them. */
    private void create(CloseRequest req) {
        Fields f = req.fields();
        for (String name : f.node().propertyNames()) {
            if (!name.equals("email") && !name.equals("role_id")) {
                f.error(name, "Unknown field.");
            }
        }
        String email = f.email("email", true);
        // Close also wants a dot in the domain, beyond the rule every API shares; refused in that rule's words
        if (email != null && !EMAIL_DOMAIN.matcher(email).matches()) {
            f.error("email", Fields.notAnEmailAddress(email));
        }
        OrgRoles orgRoles = OrgRoles.load(roles, req.caller(), req.orgId());
        Role role = MembershipBody.role(f, orgRoles, true);
        f.check();
        req.writing(CloseErrors.Write.giving("adding a membership for " + email + " with role " + OrgRoles.closeId(role),
                OrgRoles.closeId(role)));
        Membership added = memberships.add(req.caller(), req.orgId(), email, role.id(), CloseIds.newUserId()).value();
        CloseReply.object(req, 200, CloseWire.membership(added.member(), orgRoles, added.settings()));
    }

    /** PUT behaves as PATCH: the role and/or any of the settings. */
    private void update(CloseRequest req) {
        Fields f = req.fields();
        OrgRoles orgRoles = OrgRoles.load(roles, req.caller(), req.orgId());
        MembershipUpdate update = MembershipBody.read(f, orgRoles, Set.of());
        long memberId = memberId(req.path("id"));
        req.writing(write("updating membership " + CloseWire.membershipId(memberId), orgRoles, update));
        Membership updated = memberships.update(req.caller(), req.orgId(), memberId, update)
                .value();
        CloseReply.object(req, 200, CloseWire.membership(updated.member(), orgRoles, updated.settings()));
    }

    /**
     * {@code {"_params": {"id__in": "memb_A,memb_B"}, "role_id": …}}: one transaction, all or nothing. The ids come
     * from the body's {@code _params} alone; an {@code id__in} in the query string is not read, so the memberships
     * changed are always the ones the body names. Each id is taken verbatim, as in a path: one with a space at an end
     * ({@code "a, b"}'s second) names no membership; blank items (spaces of any kind) hold no id and are skipped, and
     * {@code id__in} holding none ({@code ""}, null, {@code [null]}, {@code ","}) is a 400 "This field may not be
     * blank." as every parameter given without a value is ({@link CloseRequest#nonBlankParam}). At most
     * {@value #MAX_BULK} ids as listed (a repeat counts, so the limit bounds what is read); an id that names no
     * membership is a 404, as for a single update, and nothing changes. Answers how many distinct memberships were
     * listed.
     */
    private void bulkUpdate(CloseRequest req) {
        Fields f = req.fields();
        OrgRoles orgRoles = OrgRoles.load(roles, req.caller(), req.orgId());
        CloseFields.notNull(f, "_params");
        MembershipUpdate update = MembershipBody.read(f, orgRoles, Set.of("_params"));
        Fields params = f.object("_params", true);
        List<String> refs = new ArrayList<>();
        if (params != null) {
            for (String name : params.node().propertyNames()) {
                if (!name.equals("id__in")) {
                    params.error(name, "Unsupported filter; bulk updates select memberships with id__in.");
                }
            }
            String raw = req.bodyParam("id__in");
            for (String part : raw == null ? new String[0] : raw.split(",")) {
                if (!Fields.stripSpaces(part).isEmpty()) {
                    refs.add(part);
                }
            }
            // "", null, [null] and "," name no membership: a parameter given without a value, not an update of none
            if (raw == null) {
                params.error("id__in", CloseFields.REQUIRED);
            } else if (refs.isEmpty()) {
                params.error("id__in", CloseFields.NOT_BLANK);
            } else if (refs.size() > MAX_BULK) {
                params.error("id__in", "At most " + MAX_BULK + " memberships at once, got " + refs.size() + ".");
            }
        }
        f.check();
        Set<Long> ids = new LinkedHashSet<>();
        for (String ref : refs) {
            ids.add(memberId(ref));
        }
        String listed = ids.size() == 1 ? "membership " + CloseWire.membershipId(ids.iterator().next())
                : ids.size() + " memberships";
        req.writing(write("updating " + listed, orgRoles, update));
        int count = memberships.updateAll(req.caller(), req.orgId(), List.copyOf(ids), update).value();
        ObjectNode body = Json.object();
        body.put("count", count);
        CloseReply.object(req, 200, body);
    }

    /** Deactivates the membership (the member stays, without access); deactivating twice changes nothing. */
    private void deactivate(CloseRequest req) {
        long memberId = memberId(req.path("id"));
        memberships.deactivate(req.caller(), req.orgId(), memberId);
        CloseReply.empty(req);
    }

    private void pinnedViews(CloseRequest req) {
        long memberId = memberId(req.path("id"));
        List<String> ids = memberships.pinnedViews(req.caller(), req.orgId(), memberId);
        CloseReply.object(req, 200, pinned(ids));
    }

    /**
     * Who may not set the pinned views the path names is refused before any parameter or the body is read: the gate
     * has asked {@code manage_organization} of a caller the path does not name ({@link Endpoint#exceptOnOwnMembership});
     * this asks the rest of the member gate of the membership named, 404 when it names none.
     */
    private void requireMaySetPinnedViews(CloseRequest req) {
        memberships.requireMaySetPinnedViews(req.caller(), req.orgId(), memberId(req.path("id")));
    }

    /**
     * Replaces the whole ordered list, after {@link #requireMaySetPinnedViews}. Each id is {@code save_} followed by
     * letters and digits ({@link #SAVED_VIEW_ID}), at most {@value #MAX_PINNED}, none repeated.
     */
    private void setPinnedViews(CloseRequest req) {
        long memberId = memberId(req.path("id"));
        Fields f = req.fields();
        for (String name : f.node().propertyNames()) {
            if (!name.equals("saved_view_ids")) {
                f.error(name, "Unknown field.");
            }
        }
        CloseFields.notNull(f, "saved_view_ids");
        List<String> ids = f.strings("saved_view_ids", true, MAX_PINNED, 200);
        JsonNode listed = f.node().get("saved_view_ids");
        if (listed != null && listed.isArray() && listed.size() <= MAX_PINNED) {
            // every bad item is named, also beside those strings() refused (an item's first reason stands)
            Map<String, Integer> firstAt = new HashMap<>();
            for (int i = 0; i < listed.size(); i++) {
                if (!listed.get(i).isString()) {
                    continue;
                }
                String id = listed.get(i).stringValue();
                String at = "saved_view_ids[" + i + "]";
                Integer earlier = firstAt.putIfAbsent(id, i);
                if (!SAVED_VIEW_ID.matcher(id).matches()) {
                    f.error(at, "Not a saved view id: \"" + Fields.abbreviate(id) + "\".");
                } else if (earlier != null) {
                    f.error(at, "Already pinned as item " + earlier + " (a view may be pinned once).");
                }
            }
        }
        f.check();
        List<String> saved = memberships.setPinnedViews(req.caller(), req.orgId(), memberId, ids).value();
        CloseReply.object(req, 200, pinned(saved));
    }

    /**
     * The write an update makes, as a refusal names it: {@code what}, followed by " to role …" when {@code update}
     * gives a role ({@link CloseErrors.Write#giving}).
     */
    private static CloseErrors.Write write(String what, OrgRoles orgRoles, MembershipUpdate update) {
        if (update.roleId() == null) {
            return CloseErrors.Write.of(what);
        }
        String role = orgRoles.closeId(update.roleId());
        return CloseErrors.Write.giving(what + " to role " + role, role);
    }

    private static long memberId(String closeId) {
        long id = CloseIds.decode(CloseIds.MEMBERSHIP, closeId);
        if (id < 0) {
            throw new NotFoundException("membership_not_found", "Membership \"" + Fields.abbreviate(closeId)
                    + "\" not found.");
        }
        return id;
    }

    private static ObjectNode pinned(List<String> ids) {
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray("saved_view_ids");
        ids.forEach(array::add);
        return body;
    }
}
