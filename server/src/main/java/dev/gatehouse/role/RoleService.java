package dev.gatehouse.role;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.SystemRole;
import dev.gatehouse.sql.NameKey;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Roles of an organization and their rules: system roles are immutable; custom role names are unique per
 * organization ignoring case ({@link dev.gatehouse.sql.NameKey}); permissions come from the model; the visibility rule holds; nobody but a
 * service key grants permissions, or record visibility, beyond their own (also not by widening its own role), or
 * changes or deletes a role holding more than itself; the model's {@link RoleChangeRules} hold for a change of a
 * role's permissions (on {@code rooms}, a room owner keeps its powers in the role it holds in its room);
 * a held role cannot be deleted; an update never leaves the organization without an active member able to
 * manage roles; updates honour the expected version. Reads: internal members see every role, an external
 * member only the roles it holds on resources ({@link RoleReading}). Thread-safe.
 */
public final class RoleService {

    private final RoleStore roles = new RoleStore();
    private final OrgModels orgModels;
    private final Access access;
    private final RoleChangeRules rules;

    public RoleService(OrgModels orgModels, Access access, RoleChangeRules rules) {
        this.orgModels = orgModels;
        this.access = access;
        this.rules = rules;
    }

    public List<Role> list(Principal principal, long orgId, long after, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            model(h, orgId);
            return readable(h, caller, orgId, after, limit);
        });
    }

    /** The roles {@code caller} may read (see the class comment), by id after {@code after}. */
    public List<Role> readable(Handle h, Caller caller, long orgId, long after, int limit) {
        return roles.list(h, orgId, after, limit, heldOnly(caller));
    }

    public Role get(Principal principal, long orgId, long roleId) {
        return access.read(principal, orgId, (h, caller) -> {
            model(h, orgId);
            return readable(roles.find(h, orgId, roleId), h, caller).orElseThrow(() -> notFound(orgId, roleId));
        });
    }

    /** The role with a system key (e.g. Close's {@code admin}). */
    public Role getBySystemKey(Principal principal, long orgId, String key) {
        return access.read(principal, orgId, (h, caller) -> readable(roles.findBySystemKey(h, orgId, key), h, caller)
                .orElseThrow(() -> new NotFoundException("role_not_found", "role \"" + key + "\" not found in "
                        + "organization " + orgId)));
    }

    /**
     * 403 {@code permission_required} unless the caller may manage the organization's roles, the first rule every
     * role write checks: for a dialect that reads a role's body only after it, as its original does (Close), so that
     * who may not write roles is refused whatever it sent. Writes nothing; the write checks it again.
     */
    public void requireMayManage(Principal principal, long orgId, String what) {
        access.read(principal, orgId, (h, caller) -> {
            caller.require(model(h, orgId).management().roles(), what);
            return null;
        });
    }

    /**
     * 403 unless the caller may change what role {@code roleId} grants as it stands — it may manage roles and, a
     * member key, holds everything the role grants ({@link Access#requireMayRedefine}), as an update checks for a
     * change of the role's permissions or visibility: for a dialect that works the role as changed out of the current
     * one before writing it (Close's lead visibility), so that who may not change the role is refused whatever the
     * change lacks. Writes nothing; the write checks it again.
     */
    public void requireMayRedefine(Principal principal, long orgId, long roleId) {
        access.read(principal, orgId, (h, caller) -> {
            PermissionModel model = model(h, orgId);
            caller.require(model.management().roles(), "updating a role");
            Role current = find(h, orgId, roleId);
            access.requireMayRedefine(caller, model, roleId, Role.grant(current.permissions(), current.visibility()));
            return null;
        });
    }

    public Written<Role> create(Principal principal, long orgId, RoleInput input) {
        return access.write(principal, orgId, (tx, caller) -> create(tx, caller, model(tx.handle(), orgId), orgId, input));
    }

    /**
     * Creates a role inside a running transaction of its organization with every rule of
     * {@link #create(Principal, long, RoleInput)} (a bulk import's role lines).
     */
    public Role create(Tx tx, Caller caller, PermissionModel model, long orgId, RoleInput input) {
        Handle h = tx.handle();
        requireValidNew(caller, model, input);
        requireFreeName(h, orgId, input.name(), 0L, null);
        tx.limits().beforeAddingRole(orgId);
        Role role = roles.insert(h, RoleStore.New.of(orgId, model, input), tx.now());
        tx.change(orgId, ObjectType.ROLE, role.id(), Action.CREATED, null, LoggedRole.of(role));
        return role;
    }

    public Written<Role> update(Principal principal, long orgId, long roleId, RoleInput input, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> update(tx, caller, orgId, roleId, input, expectedVersion));
    }

    /**
     * {@link #update(Principal, long, long, RoleInput, Integer)} inside a running transaction of the organization
     * (a write, or a rehearsal of one: a preview), with every rule and gate.
     */
    public Role update(Tx tx, Caller caller, long orgId, long roleId, RoleInput input, Integer expectedVersion) {
        PermissionModel model = model(tx.handle(), orgId);
        caller.require(model.management().roles(), "updating a role");
        Role current = find(tx.handle(), orgId, roleId);
        requireNotSystem(current, "edited");
        requireVersion("role", current.id(), current.version(), expectedVersion);
        return update(tx, caller, model, orgId, current, input);
    }

    /**
     * Updates a role inside a running transaction of its organization with every rule of
     * {@link #update(Principal, long, long, RoleInput, Integer)} but the version check (a bulk import's role lines).
     */
    public Role update(Tx tx, Caller caller, PermissionModel model, long orgId, Role current, RoleInput input) {
        Handle h = tx.handle();
        long roleId = current.id();
        caller.require(model.management().roles(), "updating a role");
        requireNotSystem(current, "edited");
        List<String> permissions = input.permissions() == null ? current.permissions() : input.permissions();
        boolean external = input.external() == null ? current.external() : input.external();
        RoleVisibility visibility = input.visibilitySet() ? input.visibility() : current.visibility();
        requireFieldIds(visibility, current.visibility());
        RoleRules.check(model, permissions, external, visibility);
        boolean redefined = !Set.copyOf(permissions).equals(Set.copyOf(current.permissions()));
        if (redefined || !Objects.equals(visibility, current.visibility())) {
            access.requireMayRedefine(caller, model, roleId, Role.grant(current.permissions(), current.visibility()));
        }
        access.requireNoEscalation(caller, model, Role.grant(permissions, visibility));
        if (redefined) {
            rules.requireMayChangePermissions(h, caller, model, current, permissions);
        }
        String name = input.name() == null ? current.name() : NameKey.renamed(current.name(), input.name());
        if (!name.equals(current.name())) {
            requireFreeName(h, orgId, name, roleId, current.name());
        }
        if (external != current.external()) { // counting holders reads every one: only when it matters
            RoleHolders held = roles.holders(h, orgId, roleId);
            if (held.any()) {
                throw ConflictException.about(held, "role_in_use", "role " + roleId + " cannot change between "
                        + "internal and external while held by " + held.describe());
            }
        }
        String manage = model.management().roles();
        if (current.permissions().contains(manage) && !permissions.contains(manage)
                && roles.countManagers(h, orgId, model, 0L, roleId) == 0
                && roles.countManagers(h, orgId, model, 0L, 0L) > 0) {
            throw ConflictException.about(current, "last_role_manager", "removing \"" + manage + "\" from role "
                    + roleId + " would leave organization " + orgId + " without an active member able to manage roles");
        }
        Role changed = new Role(current.id(), orgId, null, name,
                input.description() == null ? current.description() : input.description(),
                model.canonical(permissions), external, false, visibility, current.version(),
                current.createdAt(), current.updatedAt());
        if (sameState(current, changed)) {
            // a write that changes nothing records nothing: no new version, no change record, no webhook
            return current;
        }
        Role updated = roles.update(h, changed, tx.now());
        tx.change(orgId, ObjectType.ROLE, roleId, Action.UPDATED, LoggedRole.of(current), LoggedRole.of(updated));
        return updated;
    }

    /** Whether two states of a role hold the same values a write may change. */
    private static boolean sameState(Role a, Role b) {
        return a.name().equals(b.name()) && Objects.equals(a.description(), b.description())
                && a.permissions().equals(b.permissions()) && a.external() == b.external()
                && Objects.equals(a.visibility(), b.visibility());
    }

    public Written<Role> delete(Principal principal, long orgId, long roleId, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            PermissionModel model = model(tx.handle(), orgId);
            caller.require(model.management().roles(), "deleting a role");
            Role current = find(tx.handle(), orgId, roleId);
            requireNotSystem(current, "deleted");
            requireVersion("role", current.id(), current.version(), expectedVersion);
            return delete(tx, caller, model, orgId, current);
        });
    }

    /**
     * Deletes a role inside a running transaction of its organization with every rule of
     * {@link #delete(Principal, long, long, Integer)} but the version check (a bulk import's role lines).
     */
    public Role delete(Tx tx, Caller caller, PermissionModel model, long orgId, Role current) {
        Handle h = tx.handle();
        long roleId = current.id();
        caller.require(model.management().roles(), "deleting a role");
        requireNotSystem(current, "deleted");
        access.requireMayDelete(caller, model, roleId, Role.grant(current.permissions(), current.visibility()));
        RoleHolders held = roles.holders(h, orgId, roleId);
        if (held.any()) {
            throw ConflictException.about(held, "role_in_use", "role " + roleId + " is held by "
                    + held.describe() + "; " + (held.revoked() > 0 ? "move its holders to another role, and restore "
                    + "or remove the room users whose access is revoked, first" : "move "
                    + (held.members() + held.assignments() == 1 ? "it" : "them") + " to another role first"));
        }
        roles.delete(h, roleId);
        tx.change(orgId, ObjectType.ROLE, roleId, Action.DELETED, LoggedRole.of(current), null);
        return current;
    }

    /** Every role of the organization (at most the roles-per-organization limit), by id. */
    public List<Role> all(Handle h, long orgId) {
        return roles.list(h, orgId, 0L, Integer.MAX_VALUE, null);
    }

    /**
     * The role named {@code name} ignoring case as {@code lower()} folds it, system roles included: a reference by
     * name, which finds one role even among the ones stored before full case folding that fold to one key.
     */
    public Optional<Role> findByName(Handle h, long orgId, String name) {
        return roles.findByName(h, orgId, name);
    }

    /**
     * The roles named {@code name} ignoring case, the one {@code lower()} calls equal first
     * ({@link RoleStore#sameNames}).
     */
    public List<Role> sameNames(Handle h, long orgId, String name) {
        return roles.sameNames(h, orgId, name);
    }

    /**
     * Inserts the system roles of new organizations whose rows were inserted ahead of their creation
     * ({@code OrgService.insertAhead}), of each the model at the same position, all in one {@code COPY};
     * returns each organization's, in the order given. Each one's change records come with its creation
     * ({@link #recordSeeded}).
     */
    public static List<List<Role>> seedAhead(Tx tx, List<Long> orgIds, List<PermissionModel> models) {
        List<RoleStore.New> rows = new ArrayList<>();
        for (int i = 0; i < orgIds.size(); i++) {
            for (SystemRole sr : models.get(i).systemRoles()) {
                rows.add(RoleStore.New.system(orgIds.get(i), models.get(i), sr));
            }
        }
        List<Role> inserted = rows.isEmpty() ? List.of() : new RoleStore().insertAll(tx.handle(),
                tx.newIds().take(tx.handle(), "roles", rows.size()), rows, tx.now());
        List<List<Role>> byOrganization = new ArrayList<>();
        int next = 0;
        for (PermissionModel model : models) {
            byOrganization.add(inserted.subList(next, next + model.systemRoles().size()));
            next += model.systemRoles().size();
        }
        return byOrganization;
    }

    /** Records the creation of a new organization's system roles. */
    public static void recordSeeded(Tx tx, long orgId, List<Role> seeded) {
        for (Role role : seeded) {
            tx.change(orgId, ObjectType.ROLE, role.id(), Action.CREATED, null, LoggedRole.of(role));
        }
    }

    /**
     * New custom roles of the organization, checked one by one with every rule of {@link #create} and inserted
     * together (a bulk import's runs of role lines); {@code existing} is every role of the organization as it stands
     * in this transaction, from a caller that keeps them current (an import's chunk).
     */
    public RoleBatch batch(Tx tx, Caller caller, PermissionModel model, long orgId, Collection<Role> existing) {
        return new RoleBatch(this, roles, tx, caller, model, orgId, existing);
    }

    /** The rules of {@link #create} that need no other role: the caller's permission, the model's rules, no escalation. */
    void requireValidNew(Caller caller, PermissionModel model, RoleInput input) {
        caller.require(model.management().roles(), "creating a role");
        List<String> permissions = input.permissions() == null ? List.of() : input.permissions();
        requireFieldIds(input.visibility(), null);
        RoleRules.check(model, permissions, Boolean.TRUE.equals(input.external()), input.visibility());
        access.requireNoEscalation(caller, model, Role.grant(permissions, input.visibility()));
    }

    /**
     * Refuses a user field id that names no field ({@link RoleVisibility#fieldIdProblem}) among those of
     * {@code visibility} that the role does not hold already ({@code stored}; null for a new role).
     */
    private static void requireFieldIds(RoleVisibility visibility, RoleVisibility stored) {
        String problem = visibility == null ? null : RoleVisibility.fieldIdProblem(visibility.userFieldIds(), stored);
        if (problem != null) {
            throw InvalidInputException.field("visibility.user_field_ids", "a field id " + problem);
        }
    }

    /**
     * Refuses {@code name} for role {@code self} (named {@code current}; 0 and null for a new role) when another role
     * of the organization has the same name ignoring case ({@link RoleStore#findSameName}: {@code Straße} beside
     * {@code STRASSE}, {@code ΟΔΟΣ} beside {@code οδος}).
     */
    private void requireFreeName(Handle h, long orgId, String name, long self, String current) {
        roles.findSameName(h, orgId, name, self, current).ifPresent(r -> {
            throw nameTaken(orgId, r);
        });
    }

    static ConflictException nameTaken(long orgId, Role holder) {
        return nameTaken(orgId, holder, "id " + holder.id());
    }

    /**
     * 409 {@code role_name_taken}: {@code holder} has the name. {@code origin} says which role that is besides its
     * name: its id, or — where the refusal rolls the holder back with it, as an import's chunk does with a role one of
     * its lines created — what outlives it, such as that line.
     */
    public static ConflictException nameTaken(long orgId, Role holder, String origin) {
        return ConflictException.about(holder, "role_name_taken", "organization " + orgId + " already has a role "
                + "named \"" + holder.name() + "\" (" + origin + ")");
    }

    private Role find(Handle h, long orgId, long roleId) {
        return roles.find(h, orgId, roleId).orElseThrow(() -> notFound(orgId, roleId));
    }

    private static NotFoundException notFound(long orgId, long roleId) {
        return new NotFoundException("role_not_found", "role " + roleId + " not found in organization " + orgId);
    }

    /** The role when {@code caller} may read it (see the class comment): {@link RoleReading#mayRead}. */
    private static Optional<Role> readable(Optional<Role> role, Handle h, Caller caller) {
        return role.filter(r -> RoleReading.mayRead(h, caller, r.id()));
    }

    /** The member whose held roles alone {@code caller} may read (an external caller itself), or null for all. */
    private static Long heldOnly(Caller caller) {
        return caller.external() ? caller.memberId() : null;
    }

    private static void requireNotSystem(Role current, String verb) {
        if (!current.editable()) {
            throw new ForbiddenException("system_role_immutable", "role " + current.id() + " (\"" + current.name()
                    + "\") is a system role and cannot be " + verb);
        }
    }

    private PermissionModel model(Handle h, long orgId) {
        return orgModels.model(h, orgId);
    }
}
