package dev.gatehouse.http.close;

import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.http.close.CloseApi.Permission;
import dev.gatehouse.json.Fields;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.VisibilityRule;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleInput;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.role.RoleVisibility;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /role/}: Close's roles over {@link RoleService}. Reads need membership of the organization;
 * writes need {@code manage_organization} (the model's role-management permission, checked by the service), which,
 * as Close does, is asked before the body is read: a member without it is refused 403 whatever it sent.
 * Close keeps a role's lead visibility in two fields; this class merges them into one setting and, as Close
 * does, refuses a setting that breaks the model's visibility rule ({@link RoleVisibility#problem}) in Close's
 * words before anything else in the body is checked — but only from a caller that may change the role at all: a
 * change of the permissions or lead visibility of a role granting more than the caller is 403 whatever it lacks
 * ({@link RoleService#requireMayRedefine}).
 *
 * <p>Thread-safe: no state of its own.
 */
final class RolesResource {

    static final String LCF_IDS = "visibility_user_lcf_ids";
    static final String LCF_BEHAVIOR = "visibility_user_lcf_behavior";
    private static final Set<String> WRITABLE = Set.of("name", "permissions", LCF_IDS, LCF_BEHAVIOR);
    /** Read-only fields of Close's role object, tolerated in a body (Close's clone script sends them). */
    private static final Set<String> READ_ONLY = Set.of("id", "organization_id", "editable", "date_created",
            "date_updated");

    /**
     * The rule an edit of a role breaks when the service refuses the role as edited ({@code privilege_escalation}
     * without a subject): a member edits a role, even only its name, only while it could hand the role out itself.
     */
    private static final String EDITING = "a member may edit a role, even only its name, only when its own role holds "
            + "everything the role grants, as it stands and as edited";

    private final RoleService roles;
    /** Close's model, the only model this dialect serves. */
    private final PermissionModel model;
    /** The visibility rule of Close's model. */
    private final VisibilityRule visibilityRule;

    RolesResource(RoleService roles, ModelRegistry models) {
        this.roles = roles;
        this.model = models.require(CloseApi.MODEL);
        this.visibilityRule = model.visibility().orElseThrow(() ->
                new IllegalStateException("the " + CloseApi.MODEL + " model has no visibility rule"));
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/role/", this::list),
                Endpoint.post("/role/", this::create)
                        .needs(Permission.MANAGE_ORGANIZATION, "creating a role"),
                Endpoint.get("/role/{id}/", this::get),
                Endpoint.put("/role/{id}/", this::update)
                        .needs(Permission.MANAGE_ORGANIZATION, "updating a role"),
                Endpoint.delete("/role/{id}/", this::delete)
                        .needs(Permission.MANAGE_ORGANIZATION, "deleting a role"));
    }

    private void list(CloseRequest req) {
        int skip = req.skip();
        int limit = req.limit(CloseRequest.MAX_LIMIT);
        List<Role> page = roles.list(req.caller(), req.orgId(), 0L, skip + limit + 1);
        List<ObjectNode> items = page.stream().skip(skip).limit(limit).map(CloseWire::role).toList();
        CloseReply.list(req, items, page.size() > skip + limit);
    }

    private void get(CloseRequest req) {
        CloseReply.object(req, 200, CloseWire.role(find(req, req.path("id"))));
    }

    private void create(CloseRequest req) {
        Fields f = req.fields();
        allowOnly(f);
        String name = f.name("name", true, 100);
        List<String> permissions = f.strings("permissions", true, 1000, 128);
        knownPermissions(f, permissions);
        Visibility v = Visibility.read(f);
        f.check();
        RoleVisibility visibility = v.resolve(null, permissions, visibilityRule);
        req.writing(CloseErrors.Write.of("creating role \"" + name + "\""));
        var written = roles.create(req.caller(), req.orgId(), new RoleInput(name, null, permissions, null, visibility,
                true));
        CloseReply.object(req, 201, CloseWire.role(written.value()));
    }

    /** PUT behaves as PATCH: only the fields sent change. */
    private void update(CloseRequest req) {
        Role current = find(req, req.path("id"));
        requireEditable(current, "edited");
        Fields f = req.fields();
        allowOnly(f);
        CloseFields.notNull(f, "name", "permissions");
        String name = f.name("name", false, 100);
        List<String> permissions = f.strings("permissions", false, 1000, 128);
        knownPermissions(f, permissions);
        Visibility v = Visibility.read(f);
        f.check();
        req.writing(new CloseErrors.Write("updating role " + OrgRoles.closeId(current), EDITING, null));
        if (permissions != null || v.idsSent() || v.behaviorSent()) {
            // who may not change the role is refused before being told what the change lacks
            roles.requireMayRedefine(req.caller(), req.orgId(), current.id());
        }
        List<String> finalPermissions = permissions == null ? current.permissions() : permissions;
        RoleVisibility visibility = v.resolve(current, finalPermissions, visibilityRule);
        Role written = roles.update(req.caller(), req.orgId(), current.id(), new RoleInput(name, null, permissions,
                null, visibility, true), null).value();
        CloseReply.object(req, 200, CloseWire.role(written));
    }

    private void delete(CloseRequest req) {
        Role current = find(req, req.path("id"));
        requireEditable(current, "deleted");
        roles.delete(req.caller(), req.orgId(), current.id(), null);
        CloseReply.empty(req);
    }

    /** A role by Close id: a system role's bare key or a custom role's {@code role_…}. */
    Role find(CloseRequest req, String closeId) {
        try {
            if (closeId.startsWith(CloseIds.ROLE)) {
                long id = CloseIds.decode(CloseIds.ROLE, closeId);
                if (id > 0) {
                    return roles.get(req.caller(), req.orgId(), id);
                }
            } else if (!closeId.isEmpty() && closeId.length() <= 64) {
                return roles.getBySystemKey(req.caller(), req.orgId(), closeId);
            }
        } catch (NotFoundException e) {
            // reported below, in Close's terms
        }
        throw new NotFoundException("role_not_found", "Role \"" + Fields.abbreviate(closeId) + "\" not found.");
    }

    private static void requireEditable(Role role, String what) {
        if (!role.editable()) {
            throw new ForbiddenException("system_role_immutable", "Role " + role.systemKey() + " (\"" + role.name()
                    + "\") is a built-in role and cannot be " + what + ".");
        }
    }

    /**
     * Names the permissions the model does not know before the visibility rule is applied: the rule depends on
     * the permissions, so a misspelt {@code view_all_leads} would otherwise be reported as missing visibility fields.
     */
    private void knownPermissions(Fields f, List<String> permissions) {
        if (permissions == null) {
            return;
        }
        List<String> unknown = permissions.stream().filter(p -> !model.hasPermission(p)).distinct().toList();
        if (!unknown.isEmpty()) {
            f.error("permissions", "Unknown permissions " + unknown + ": the " + CloseApi.MODEL + " model has "
                    + model.permissionCount() + " permissions (GET /role/admin/ lists them).");
        }
    }

    private static void allowOnly(Fields f) {
        for (String name : f.node().propertyNames()) {
            if (!WRITABLE.contains(name) && !READ_ONLY.contains(name)) {
                f.error(name, "Unknown field.");
            }
        }
    }

    /**
     * The two lead-visibility fields of a request, resolved against the role's current visibility for a
     * PUT. Close's rule: both empty when the permissions include {@code view_all_leads}, both set otherwise.
     * A field sent is judged as sent. A field not sent keeps its value, except that clearing the other field (null or
     * []) clears it too, and that a role with {@code view_all_leads} keeps none (its stored fields, from before the
     * PUT gave it that permission, would otherwise break the rule). So a non-empty field sent with
     * {@code view_all_leads} is a 400 naming it, whatever the other field holds, and a field left empty beside a set
     * one is a 400 naming the empty one. A custom field id is an identifier ({@link RoleVisibility#fieldIdProblem}): one
     * with whitespace or an invisible character at an end, or an invisible character inside ({@code " cf_owner"},
     * {@code cf_owner} followed by a no-break space, a zero-width space inside) names no custom field, so a member
     * holding the role with {@code require_assignment} would see no lead; it is a 400 naming the field and the
     * character, unless the role holds that id already (stored before the rule: kept, sent back or not).
     */
    private record Visibility(boolean idsSent, List<String> ids, boolean behaviorSent, String behavior,
                              Fields fields) {

        static Visibility read(Fields f) {
            List<String> ids = f.strings(LCF_IDS, false, 100, 128);
            String behavior = f.string(LCF_BEHAVIOR, false, 64);
            if (behavior != null && !RoleVisibility.BEHAVIOURS.contains(behavior)) {
                f.error(LCF_BEHAVIOR, "Must be one of: allow_unassigned, require_assignment.");
            }
            return new Visibility(f.has(LCF_IDS), ids == null || ids.isEmpty() ? null : ids, f.has(LCF_BEHAVIOR),
                    behavior, f);
        }

        /** The visibility to store, or a 400 in Close's terms when it breaks the model's rule. */
        RoleVisibility resolve(Role current, List<String> permissions, VisibilityRule rule) {
            // the ids the role holds already are kept as they are, sent back or not
            String invisible = ids == null ? null
                    : RoleVisibility.fieldIdProblem(ids, current == null ? null : current.visibility());
            if (invisible != null) {
                fields.error(LCF_IDS, "Custom field ids " + invisible + ".");
                fields.check();
            }
            boolean seesAll = permissions.contains(rule.seesAllPermission());
            boolean clearing = (idsSent && ids == null) || (behaviorSent && behavior == null);
            RoleVisibility existing = current == null || clearing || seesAll ? null : current.visibility();
            List<String> finalIds = idsSent ? ids : existing == null ? null : existing.userFieldIds();
            String finalBehavior = behaviorSent ? behavior : existing == null ? null : existing.unassigned();
            if (finalIds == null || finalBehavior == null) {
                if (seesAll) {
                    mustBeEmpty(LCF_IDS, finalIds != null, rule);
                    mustBeEmpty(LCF_BEHAVIOR, finalBehavior != null, rule);
                } else if (finalIds != null) {
                    fields.error(LCF_BEHAVIOR, "Required when visibility_user_lcf_ids is set.");
                } else if (finalBehavior != null) {
                    fields.error(LCF_IDS, "Required when visibility_user_lcf_behavior is set.");
                }
                fields.check();
            }
            RoleVisibility visibility = finalIds == null ? null : new RoleVisibility(finalIds, finalBehavior);
            RoleVisibility.Problem problem = RoleVisibility.problem(rule, permissions, visibility).orElse(null);
            if (problem == RoleVisibility.Problem.SEES_ALL_WITH_FIELDS) {
                mustBeEmpty(LCF_IDS, true, rule);
                mustBeEmpty(LCF_BEHAVIOR, true, rule);
            } else if (problem == RoleVisibility.Problem.FIELDS_REQUIRED
                    || problem == RoleVisibility.Problem.NO_FIELDS) {
                fields.error(LCF_IDS, "Required when permissions do not include " + rule.seesAllPermission()
                        + ": list the User-type lead custom fields that grant visibility.");
            } else if (problem == RoleVisibility.Problem.TOO_MANY_FIELDS) {
                fields.error(LCF_IDS, "At most " + rule.maxFields() + " custom fields, got " + finalIds.size() + ".");
            }
            fields.check();
            return visibility;
        }

        private void mustBeEmpty(String field, boolean set, VisibilityRule rule) {
            if (set) {
                fields.error(field, "Must be empty when permissions include " + rule.seesAllPermission() + ".");
            }
        }
    }
}
