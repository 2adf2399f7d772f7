package dev.gatehouse.room;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.assignment.HolderVisibility;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.role.RoleStore;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;

/**
 * Rooms' views of roles: which roles a caller may assign, whether a role is in use (as far as the caller may know),
 * and a room's assignable roles. Roles themselves
 * are created, changed and deleted through {@code RoleService}, whose holders count the room users whose access is
 * revoked, who keep their room role for a restore. An organization has few roles, so lists are filtered in memory.
 * Thread-safe.
 */
public final class RoomsRoleService {

    /** Rooms' role filter contexts. */
    public enum Context {
        /** Every role. */
        ALL_ROLES,
        /** Rooms' roles whose company permissions the caller holds ({@code onlyAssignable=true}): here the roles
         *  it may give, as {@link #ASSIGNABLE_BY_ALL_PERMISSIONS} (see {@code assignable}). */
        ASSIGNABLE_BY_COMPANY_PERMISSIONS,
        /** The roles the caller may give: every permission its own, and an access level it may invite at. */
        ASSIGNABLE_BY_ALL_PERMISSIONS
    }

    /** A room's assignable (external) roles and, where it applies, the invitee's current company role. */
    public record Assignable(Slice<Role> roles, Long currentRoleId) {
    }

    private static final int MAX_ROLES = 100_000;

    private final Access access;
    private final RoleStore roles = new RoleStore();
    private final MemberStore members = new MemberStore();
    private final RoleService roleService;
    private final RoomsRules rules;
    private final OrgModels orgModels;
    private final HolderVisibility holderVisibility;

    public RoomsRoleService(Access access, RoleService roleService, RoomsRules rules, OrgModels orgModels) {
        this.access = access;
        this.roleService = roleService;
        this.rules = rules;
        this.orgModels = orgModels;
        this.holderVisibility = new HolderVisibility(rules);
    }

    /**
     * The roles of the context whose name starts with {@code namePrefix} (ignoring case), by id: every role the caller
     * may read (see {@link RoleService}), or in an assignable context those it may give — to an outsider, which reads
     * only the roles it holds, the external roles it may give too, as a room's assignable roles name them
     * ({@link #assignable(Principal, long, int, String, String, int, int)}).
     */
    public List<Role> list(Principal principal, long orgId, Context context, String namePrefix) {
        return access.read(principal, orgId, (h, caller) -> {
            PermissionModel model = orgModels.model(h, orgId);
            Predicate<Role> assignable = assignable(h, caller, model, context);
            List<Role> from = context != Context.ALL_ROLES && caller.external()
                    ? external(h, orgId)
                    : roleService.readable(h, caller, orgId, 0L, MAX_ROLES);
            return from.stream().filter(assignable).filter(r -> startsWith(r.name(), namePrefix)).toList();
        });
    }

    /**
     * Whether role {@code roleId} is held, as far as the caller may know. To a service key and a caller that may
     * manage roles (the model's {@code management.roles}, Rooms' {@code canManageAccount}), whom a role's deletion
     * tells the same ({@code role_in_use}): held anywhere, as a company role, a room role, or remembered for a
     * revoked room user. To any other caller: held by a holder it sees — a member whose company role it reads in the
     * directory (an internal caller: every member; an outsider: itself), or a member holding the role on a
     * resource it sees, where the model does not hide that holder from it ({@link HolderVisibility}: a room user
     * whose role has {@code isHiddenInRoom}). Revoked room users, which no list shows, count only for the former.
     */
    public boolean isAssigned(Principal principal, long orgId, long roleId) {
        return access.read(principal, orgId, (h, caller) -> {
            PermissionModel model = orgModels.model(h, orgId);
            if (caller.isService() || caller.has(model.management().roles())) {
                return roles.holders(h, orgId, roleId).any();
            }
            return heldInSight(h, caller, model, orgId, roleId);
        });
    }

    /** Whether a holder of role {@code roleId} that {@code caller} sees exists (see {@link #isAssigned}). */
    private boolean heldInSight(Handle h, Caller caller, PermissionModel model, long orgId, long roleId) {
        if (roles.heldAsCompanyRole(h, orgId, roleId, caller.external() ? caller.memberId() : null)) {
            return true;
        }
        Role role = roles.find(h, orgId, roleId).orElse(null);
        if (role == null) {
            return false;
        }
        // stops at the first holder the caller sees: a role held in many rooms is rarely read to the end
        try (Stream<RoleStore.HeldOn> held = roles.heldOn(h, orgId, roleId)) {
            return held.anyMatch(on -> seesHolder(h, caller, model, role, on));
        }
    }

    /**
     * Whether {@code caller} sees the holder {@code on} of {@code role}: on a resource it sees, not hidden from it
     * there by the model, as every read of a resource's holders judges it.
     */
    private boolean seesHolder(Handle h, Caller caller, PermissionModel model, Role role, RoleStore.HeldOn on) {
        ResourceType type = model.resourceType(on.type()).orElse(null);
        return type != null && rules.sees(h, caller, model, type, on.resourceId())
                && holderVisibility.sees(h, caller, model, type, on.resourceId(), on.memberId(), () -> role);
    }

    /**
     * The external roles assignable in a room the caller sees — those it may give an invitee, as
     * {@link Context#ASSIGNABLE_BY_ALL_PERMISSIONS} lists them (a service key: every one; an outsider: those granting
     * nothing, which it may give though it reads only the roles it holds) — by id, whose name starts with
     * {@code namePrefix}; with the company role of the invitee {@code assigneeEmail} when the caller and the invitee
     * are both internal.
     */
    public Assignable assignable(Principal principal, long orgId, int roomId, String assigneeEmail, String namePrefix,
                                 int start, int count) {
        return access.read(principal, orgId, (h, caller) -> {
            rules.visibleRoom(h, caller, roomId);
            Predicate<Role> mayGive = assignable(h, caller, orgModels.model(h, orgId),
                    Context.ASSIGNABLE_BY_ALL_PERMISSIONS);
            List<Role> external = external(h, orgId).stream().filter(r -> startsWith(r.name(), namePrefix))
                    .filter(mayGive).toList();
            List<Role> page = external.subList(Math.min(start, external.size()),
                    Math.min(start + count, external.size()));
            Long current = null;
            if (assigneeEmail != null && !caller.external()) {
                current = members.findByEmail(h, orgId, assigneeEmail).filter(x -> !x.external())
                        .map(Member::roleId).orElse(null);
            }
            return new Assignable(new Slice<>(page, external.size()), current);
        });
    }

    /**
     * Both assignable contexts list the roles the caller may give ({@link #mayGive}). Rooms reads the
     * company-permissions context as "roles whose company permissions the caller holds", but no role is given here
     * with a permission of any category the caller lacks, so listing such a role would only send a client on to a 403
     * when it invites with it.
     */
    private Predicate<Role> assignable(Handle h, Caller caller, PermissionModel model, Context context) {
        if (context == Context.ALL_ROLES || caller.isService()) {
            return r -> true;
        }
        return r -> mayGive(h, caller, model, r);
    }

    /**
     * Whether the caller may give {@code role} to a user, by the checks that refuse it otherwise, asked rather than
     * thrown: the role grants nothing the caller lacks ({@link Access#requireNoEscalation}, the rule of every role
     * handed out — {@code invite_user}'s company role, a room role, the native API's), and the caller may invite a
     * user at the access level the role puts its holders at, where it does: the default admin role's users are at
     * Admin ({@link RoomsUserStore#newUserLevel}), judged by the gate of inviting
     * ({@link RoomsRules#requireMayInvite}).
     */
    private boolean mayGive(Handle h, Caller caller, PermissionModel model, Role role) {
        try {
            access.requireNoEscalation(caller, model, role.grant());
            if (role.defaultForAdmin()) {
                rules.requireMayInvite(h, caller, model, AccessLevel.ADMIN, "giving role " + role.id());
            }
            return true;
        } catch (ForbiddenException refused) {
            return false;
        }
    }

    /** The organization's external roles, those a room's invitee may be given: an outsider's to give, if any. */
    private List<Role> external(Handle h, long orgId) {
        return roles.list(h, orgId, 0L, MAX_ROLES, null).stream().filter(Role::external).toList();
    }

    private static boolean startsWith(String name, String prefix) {
        return prefix == null || prefix.isEmpty()
                || name.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT));
    }
}
