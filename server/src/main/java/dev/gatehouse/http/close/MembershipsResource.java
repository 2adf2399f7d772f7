package dev.gatehouse.http.close;

import dev.gatehouse.access.Caller;
import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.role.Role;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Tx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /membership/}: provisioning, role changes, Close's per-membership settings, deactivation and
 * pinned views. Each request is one transaction that goes through {@link dev.gatehouse.member.MemberService}
 * for everything about the member itself (so its rules hold: no escalation, the last manager stays), plus the
 * dialect's own settings table. Managing memberships needs {@code manage_organization}; a member may read
 * and set its own pinned views.
 *
 * <p>Thread-safe: no state of its own.
 */
final class MembershipsResource {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final int MAX_BULK = 1000;
    private static final int MAX_PINNED = 100;

    private final Gatehouse.Services services;
    private final MemberStore memberStore = new MemberStore();
    private final CloseMembershipStore closeStore = new CloseMembershipStore();

    MembershipsResource(Gatehouse.Services services) {
        this.services = services;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/membership/", this::create),
                Endpoint.put("/membership/", this::bulkUpdate),
                Endpoint.put("/membership/{id}/", this::update),
                Endpoint.delete("/membership/{id}/", this::deactivate),
                Endpoint.get("/membership/{id}/pinned_views/", this::pinnedViews),
                Endpoint.put("/membership/{id}/pinned_views/", this::setPinnedViews));
    }

    /** {@code {"email", "role_id"}}: adds the person (a new user id when unknown here) or reactivates them. */
    private void create(CloseRequest req) {
        Fields f = req.fields();
        for (String name : f.node().propertyNames()) {
            if (!name.equals("email") && !name.equals("role_id")) {
                f.error(name, "Unknown field.");
            }
        }
        String email = f.text("email", true, 320);
        if (email != null && !EMAIL.matcher(email).matches()) {
            f.error("email", "Not a valid email address.");
        }
        String roleRef = f.text("role_id", true, 100);
        OrgRoles roles = OrgRoles.load(services.roles(), req.caller(), req.orgId());
        Role role = roleRef == null ? null : roles.resolve(roleRef);
        if (roleRef != null && role == null) {
            f.error("role_id", "Unknown role \"" + Fields.abbreviate(roleRef) + "\".");
        }
        f.check();
        long orgId = req.orgId();
        var written = services.access().write(req.caller(), orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = services.orgModels().model(h, orgId);
            services.members().requireMay(h, caller, model, MemberRules.Action.ADD, null, role.id(), false,
                    "adding a membership");
            if (role.permissions().contains(model.management().roles())) {
                throw new ForbiddenException("role_not_allowed", "A membership created through the API cannot "
                        + "hold a role that grants " + model.management().roles() + " (\"" + role.name() + "\"); "
                        + "create it with another role and update its role_id afterwards.");
            }
            Member member = memberStore.findByEmail(h, orgId, email).orElse(null);
            if (member != null && member.active()) {
                throw new ConflictException("membership_exists", email + " is already an active member of this "
                        + "organization (membership " + CloseWire.membershipId(member.id()) + ").");
            }
            if (member != null) {
                member = services.members().update(tx, caller, model, orgId, member,
                        new MemberInput(null, null, null, null, role.id(), null, Member.ACTIVE));
            } else {
                member = services.members().insert(tx, caller, model, orgId,
                        new MemberInput(CloseIds.newUserId(), email, null, null, role.id(), false, null));
            }
            return new Updated(member, closeStore.settings(h, member.id()));
        });
        CloseReply.object(req, 200, CloseWire.membership(written.value().member(), roles, written.value().settings()));
    }

    /** PUT behaves as PATCH: the role and/or any of the settings. */
    private void update(CloseRequest req) {
        Fields f = req.fields();
        OrgRoles roles = OrgRoles.load(services.roles(), req.caller(), req.orgId());
        MembershipChanges changes = MembershipChanges.read(f, roles, Set.of());
        long memberId = memberId(req.path("id"));
        var written = services.access().write(req.caller(), req.orgId(), (tx, caller) -> apply(tx, caller,
                req.orgId(), memberId, changes));
        CloseReply.object(req, 200, CloseWire.membership(written.value().member(), roles, written.value().settings()));
    }

    /** {@code {"_params": {"id__in": "memb_A,memb_B"}, "role_id": …}}: one transaction, all or nothing. */
    private void bulkUpdate(CloseRequest req) {
        Fields f = req.fields();
        OrgRoles roles = OrgRoles.load(services.roles(), req.caller(), req.orgId());
        MembershipChanges changes = MembershipChanges.read(f, roles, Set.of("_params"));
        Fields params = f.object("_params", true);
        List<Long> ids = new ArrayList<>();
        if (params != null) {
            for (String name : params.node().propertyNames()) {
                if (!name.equals("id__in")) {
                    params.error(name, "Unsupported filter; bulk updates select memberships with id__in.");
                }
            }
            String raw = req.param("id__in");
            if (raw == null || raw.isBlank()) {
                params.error("id__in", "This field is required.");
            } else {
                Set<String> refs = new LinkedHashSet<>();
                for (String part : raw.split(",")) {
                    if (!part.isBlank()) {
                        refs.add(part.strip());
                    }
                }
                if (refs.size() > MAX_BULK) {
                    params.error("id__in", "At most " + MAX_BULK + " memberships at once, got " + refs.size() + ".");
                }
                for (String ref : refs) {
                    long id = CloseIds.decode(CloseIds.MEMBERSHIP, ref);
                    if (id < 0) {
                        params.error("id__in", "Not a membership id: \"" + Fields.abbreviate(ref) + "\".");
                        break;
                    }
                    ids.add(id);
                }
            }
        }
        f.check();
        var written = services.access().write(req.caller(), req.orgId(), (tx, caller) -> {
            for (long id : ids) {
                apply(tx, caller, req.orgId(), id, changes);
            }
            return ids.size();
        });
        ObjectNode body = Json.object();
        body.put("count", written.value());
        CloseReply.object(req, 200, body);
    }

    /** Deactivates the membership (the member stays, without access); deactivating twice changes nothing. */
    private void deactivate(CloseRequest req) {
        long memberId = memberId(req.path("id"));
        services.access().write(req.caller(), req.orgId(), (tx, caller) -> {
            Member member = member(tx.handle(), caller, req.orgId(), memberId);
            PermissionModel model = requireManager(tx.handle(), caller, req.orgId(), member,
                    "deactivating a membership");
            if (member.active()) {
                services.members().update(tx, caller, model, req.orgId(), member,
                        new MemberInput(null, null, null, null, null, null, Member.DEACTIVATED));
            }
            return member;
        });
        CloseReply.empty(req);
    }

    private void pinnedViews(CloseRequest req) {
        long memberId = memberId(req.path("id"));
        List<String> ids = services.access().read(req.caller(), req.orgId(), (h, caller) -> {
            Member member = member(h, caller, req.orgId(), memberId);
            if (!caller.is(memberId)) {
                requireManager(h, caller, req.orgId(), member, "reading another member's pinned views");
            }
            return closeStore.pinnedViews(h, memberId);
        });
        CloseReply.object(req, 200, pinned(ids));
    }

    /** Replaces the whole ordered list. */
    private void setPinnedViews(CloseRequest req) {
        Fields f = req.fields();
        for (String name : f.node().propertyNames()) {
            if (!name.equals("saved_view_ids")) {
                f.error(name, "Unknown field.");
            }
        }
        List<String> ids = f.strings("saved_view_ids", true, MAX_PINNED, 200);
        if (ids != null) {
            for (String id : ids) {
                if (!id.startsWith("save_") || id.length() < 6) {
                    f.error("saved_view_ids", "Not a saved view id: \"" + Fields.abbreviate(id) + "\".");
                    break;
                }
            }
            if (new LinkedHashSet<>(ids).size() != ids.size()) {
                f.error("saved_view_ids", "A view may be pinned once.");
            }
        }
        f.check();
        long memberId = memberId(req.path("id"));
        services.access().write(req.caller(), req.orgId(), (tx, caller) -> {
            Handle h = tx.handle();
            Member member = member(h, caller, req.orgId(), memberId);
            if (!caller.is(memberId)) {
                requireManager(h, caller, req.orgId(), member, "setting another member's pinned views");
            }
            List<String> before = closeStore.pinnedViews(h, memberId);
            if (!before.equals(ids)) {
                closeStore.savePinnedViews(h, req.orgId(), memberId, ids, SqlTime.now());
                tx.change(req.orgId(), ObjectType.CLOSE_PINNED_VIEWS, memberId, Action.UPDATED,
                        pinnedSnapshot(member, before), pinnedSnapshot(member, ids));
            }
            return ids;
        });
        CloseReply.object(req, 200, pinned(ids));
    }

    /** A member and its settings after an update. */
    private record Updated(Member member, MembershipSettings settings) {
    }

    private Updated apply(Tx tx, Caller caller, long orgId, long memberId, MembershipChanges changes) {
        Handle h = tx.handle();
        Member member = member(h, caller, orgId, memberId);
        PermissionModel model = services.orgModels().model(h, orgId);
        services.members().requireMay(h, caller, model, MemberRules.Action.MANAGE, member,
                changes.role() != null ? changes.role().id() : member.roleId(), false, "updating a membership");
        if (changes.role() != null && !Objects.equals(changes.role().id(), member.roleId())) {
            member = services.members().update(tx, caller, model, orgId, member,
                    new MemberInput(null, null, null, null, changes.role().id(), null, null));
        }
        MembershipSettings before = closeStore.settings(h, memberId);
        MembershipSettings after = changes.applyTo(before);
        if (!after.equals(before)) {
            closeStore.save(h, orgId, after, SqlTime.now());
            tx.change(orgId, ObjectType.CLOSE_MEMBERSHIP_SETTINGS, memberId, Action.UPDATED,
                    before.snapshot(member.userId()), after.snapshot(member.userId()));
        }
        return new Updated(member, after);
    }

    /** The member gate ({@link MemberRules}; on Close's model: {@code manage_organization}); returns the model. */
    private PermissionModel requireManager(Handle h, Caller caller, long orgId, Member member, String what) {
        PermissionModel model = services.orgModels().model(h, orgId);
        services.members().requireMay(h, caller, model, MemberRules.Action.MANAGE, member, member.roleId(),
                member.external(), what);
        return model;
    }

    private static long memberId(String closeId) {
        long id = CloseIds.decode(CloseIds.MEMBERSHIP, closeId);
        if (id < 0) {
            throw notFound(closeId);
        }
        return id;
    }

    private Member member(Handle h, Caller caller, long orgId, long memberId) {
        try {
            return services.members().resolve(h, caller, orgId, MemberRef.id(memberId));
        } catch (NotFoundException e) {
            throw notFound(CloseWire.membershipId(memberId));
        }
    }

    private static NotFoundException notFound(String closeId) {
        return new NotFoundException("membership_not_found", "Membership \"" + Fields.abbreviate(closeId)
                + "\" not found.");
    }

    private static ObjectNode pinned(List<String> ids) {
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray("saved_view_ids");
        ids.forEach(array::add);
        return body;
    }

    private static ObjectNode pinnedSnapshot(Member member, List<String> ids) {
        ObjectNode n = pinned(ids);
        n.put("member_id", member.id());
        n.put("user_id", member.userId());
        return n;
    }
}
