package dev.gatehouse.member;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.group.GroupService;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.org.OrgModels;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Members of an organization and their rules: internal members hold exactly one internal company role,
 * external members none; user ids and emails are unique per organization; nobody but a service key hands
 * out a role with permissions beyond their own; the last active member able to manage roles cannot be
 * demoted, deactivated or removed; updates honour the expected version. Thread-safe.
 */
public final class MemberService {

    private final Store store;
    private final MemberStore members = new MemberStore();
    private final RoleStore roles = new RoleStore();
    private final OrgModels orgModels;
    private final Access access;

    public MemberService(Store store, OrgModels orgModels, Access access) {
        this.store = store;
        this.orgModels = orgModels;
        this.access = access;
    }

    public List<Member> list(Principal principal, long orgId, long after, int limit, String status, Long roleId) {
        access.requireOrg(principal, orgId);
        return store.read(h -> {
            model(h, orgId);
            return members.list(h, orgId, after, limit, status, roleId);
        });
    }

    /** Members by id, in ascending id order (unknown ids are skipped). */
    public List<Member> getAll(Principal principal, long orgId, List<Long> ids) {
        access.requireOrg(principal, orgId);
        return ids.isEmpty() ? List.of() : store.read(h -> members.findAll(h, orgId, ids));
    }

    /** A member by Gatehouse id or, failing that, by the product's own user id. */
    public Member get(Principal principal, long orgId, String ref) {
        access.requireOrg(principal, orgId);
        return store.read(h -> {
            model(h, orgId);
            return resolve(h, orgId, ref);
        });
    }

    public Written<Member> create(Principal principal, long orgId, MemberInput in) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            PermissionModel model = model(h, orgId);
            access.requirePermission(principal, orgId, model.management().members(), "adding a member");
            return insert(tx, principal, model, orgId, in);
        });
    }

    /**
     * Adds a member inside a running transaction (also used when an organization is created with its first
     * admin); the caller has checked the management permission.
     */
    public Member insert(Tx tx, Principal principal, PermissionModel model, long orgId, MemberInput in) {
        Handle h = tx.handle();
        boolean external = Boolean.TRUE.equals(in.external());
        if (external && !model.externalRoles()) {
            throw InvalidInputException.field("external", "model " + model.id() + " has no external members");
        }
        if (external && in.roleId() != null) {
            throw InvalidInputException.field("role_id", "external members hold no company role; must be absent");
        }
        if (!external && in.roleId() == null) {
            throw InvalidInputException.field("role_id", "is required for internal members");
        }
        if (!external) {
            requireCompanyRole(h, principal, model, orgId, in.roleId());
        }
        requireUnique(h, orgId, in.userId(), in.email(), 0L);
        tx.limits().beforeAddingMember(orgId);
        Member member = members.insert(h, orgId, in, SqlTime.now());
        tx.change(orgId, "member", member.id(), "created", null, MemberSnapshot.of(member));
        return member;
    }

    public Written<Member> update(Principal principal, long orgId, String ref, MemberInput in, Integer expectedVersion) {
        return store.write(Access.actor(principal), orgId, tx -> update(tx, principal, orgId, ref, in, expectedVersion));
    }

    /**
     * Updates a member inside a running transaction of its organization (a dialect that changes more in the
     * same request); checks the management permission like {@link #update(Principal, long, String,
     * MemberInput, Integer)}.
     */
    public Member update(Tx tx, Principal principal, long orgId, String ref, MemberInput in, Integer expectedVersion) {
        Handle h = tx.handle();
        PermissionModel model = model(h, orgId);
        access.requirePermission(principal, orgId, model.management().members(), "updating a member");
        Member current = resolve(h, orgId, ref);
        requireVersion("member", current.id(), current.version(), expectedVersion);
        return update(tx, principal, model, orgId, current, in);
    }

    /**
     * Updates a member inside a running transaction with every rule of {@link #update(Principal, long, String,
     * MemberInput, Integer)} except the management permission, which the caller has checked (dialects whose
     * originals gate member changes by other permissions).
     */
    public Member update(Tx tx, Principal principal, PermissionModel model, long orgId, Member current, MemberInput in) {
        Handle h = tx.handle();
        if (in.userId() != null && !in.userId().equals(current.userId())) {
            throw InvalidInputException.field("user_id", "cannot be changed");
        }
        if (in.external() != null && in.external() != current.external()) {
            throw InvalidInputException.field("external", "cannot be changed");
        }
        if (current.external() && in.roleId() != null) {
            throw InvalidInputException.field("role_id", "external members hold no company role");
        }
        Long roleId = in.roleId() == null ? current.roleId() : in.roleId();
        if (!Objects.equals(roleId, current.roleId())) {
            requireCompanyRole(h, principal, model, orgId, roleId);
        }
        String status = in.status() == null ? current.status() : in.status();
        if (in.email() != null && !in.email().equalsIgnoreCase(current.email())) {
            requireUnique(h, orgId, null, in.email(), current.id());
        }
        Member changed = new Member(current.id(), orgId, current.userId(),
                in.email() == null ? current.email() : in.email(),
                in.firstName() == null ? current.firstName() : in.firstName(),
                in.lastName() == null ? current.lastName() : in.lastName(),
                roleId, current.external(), status, current.version(), current.createdAt(), current.updatedAt());
        if (!changed.active() || !Objects.equals(roleId, current.roleId())) {
            requireNotLastManager(h, model, orgId, current, changed);
        }
        Member updated = members.update(h, changed, SqlTime.now());
        String action = current.active() == updated.active() ? "updated"
                : updated.active() ? "activated" : "deactivated";
        tx.change(orgId, "member", current.id(), action, MemberSnapshot.of(current), MemberSnapshot.of(updated));
        return updated;
    }

    /** Removes a member, its resource assignments and its keys, and takes it out of its groups. */
    public Written<Member> delete(Principal principal, long orgId, String ref, Integer expectedVersion) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            PermissionModel model = model(h, orgId);
            access.requirePermission(principal, orgId, model.management().members(), "removing a member");
            Member current = resolve(h, orgId, ref);
            requireVersion("member", current.id(), current.version(), expectedVersion);
            return delete(tx, model, orgId, current);
        });
    }

    /**
     * Removes a member inside a running transaction with every rule of {@link #delete(Principal, long, String,
     * Integer)} except the management permission, which the caller has checked.
     */
    public Member delete(Tx tx, PermissionModel model, long orgId, Member current) {
        requireNotLastManager(tx.handle(), model, orgId, current, null);
        GroupService.leaveAll(tx, orgId, current.id(), current.userId());
        members.delete(tx.handle(), current.id());
        tx.change(orgId, "member", current.id(), "deleted", MemberSnapshot.of(current), null);
        return current;
    }

    /** Resolves a path reference: a Gatehouse id when it is numeric and exists, else a user id. */
    public Member resolve(Handle h, long orgId, String ref) {
        if (ref.chars().allMatch(Character::isDigit) && ref.length() <= 18) {
            var byId = members.find(h, orgId, Long.parseLong(ref));
            if (byId.isPresent()) {
                return byId.get();
            }
        }
        return members.findByUserId(h, orgId, ref).orElseThrow(() -> new NotFoundException("member_not_found",
                "no member with id or user_id \"" + ref + "\" in organization " + orgId));
    }

    private void requireCompanyRole(Handle h, Principal principal, PermissionModel model, long orgId, long roleId) {
        Role role = roles.find(h, orgId, roleId).orElseThrow(() ->
                InvalidInputException.field("role_id", "role " + roleId + " not found in organization " + orgId));
        if (role.external()) {
            throw InvalidInputException.field("role_id", "role " + roleId + " is external; a company role must be internal");
        }
        access.requireNoEscalation(principal, model, role.permissions());
    }

    private void requireUnique(Handle h, long orgId, String userId, String email, long self) {
        if (userId != null) {
            members.findByUserId(h, orgId, userId).filter(m -> m.id() != self).ifPresent(m -> {
                throw new ConflictException("member_exists", "organization " + orgId + " already has a member with "
                        + "user_id \"" + userId + "\" (id " + m.id() + ")");
            });
        }
        members.findByEmail(h, orgId, email).filter(m -> m.id() != self).ifPresent(m -> {
            throw new ConflictException("member_exists", "organization " + orgId + " already has a member with "
                    + "email \"" + email + "\" (id " + m.id() + ")");
        });
    }

    /** {@code after == null} means removal. */
    private void requireNotLastManager(Handle h, PermissionModel model, long orgId, Member current, Member after) {
        String manage = model.management().roles();
        boolean managesNow = current.active() && current.roleId() != null
                && roles.find(h, orgId, current.roleId()).map(r -> r.permissions().contains(manage)).orElse(false);
        if (!managesNow) {
            return;
        }
        boolean managesAfter = after != null && after.active()
                && roles.find(h, orgId, after.roleId()).map(r -> r.permissions().contains(manage)).orElse(false);
        if (!managesAfter && members.countManagers(h, orgId, manage, current.id(), 0L) == 0) {
            throw new ConflictException("last_role_manager", "member " + current.id() + " is the last active member "
                    + "of organization " + orgId + " able to manage roles (\"" + manage + "\"); it cannot be "
                    + (after == null ? "removed" : after.active() ? "demoted" : "deactivated"));
        }
    }

    private PermissionModel model(Handle h, long orgId) {
        return orgModels.model(h, orgId);
    }
}
