package dev.gatehouse.group;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.org.OrgModels;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Written;
import java.util.List;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Groups of an organization and their rules: names unique per organization ignoring case; managing groups
 * and their members needs the model's member-management permission; reads need only access to the
 * organization; adding a member twice or removing a non-member changes nothing (and logs nothing); a group
 * holds at most {@value #MAX_MEMBERS} members, so its change-log snapshot (which lists them) stays bounded;
 * updates honour the expected version. Every change, including a member change, is a change of object type
 * {@code group} whose snapshot lists the members. Thread-safe.
 */
public final class GroupService {

    public static final int MAX_MEMBERS = 5000;

    /** The outcome of a member change: the group after it, the member, and whether anything changed. */
    public record MemberChange(Group group, Member member, boolean changed) {
    }

    private final Store store;
    private final GroupStore groups = new GroupStore();
    private final OrgModels orgModels;
    private final MemberService members;
    private final Access access;

    public GroupService(Store store, OrgModels orgModels, MemberService members, Access access) {
        this.store = store;
        this.orgModels = orgModels;
        this.members = members;
        this.access = access;
    }

    public List<Group> list(Principal principal, long orgId, long after, int limit) {
        access.requireOrg(principal, orgId);
        return store.read(h -> {
            orgModels.organization(h, orgId);
            return groups.list(h, orgId, after, limit);
        });
    }

    public Group get(Principal principal, long orgId, long groupId) {
        access.requireOrg(principal, orgId);
        return store.read(h -> {
            orgModels.organization(h, orgId);
            return find(h, orgId, groupId);
        });
    }

    public Written<Group> create(Principal principal, long orgId, String name) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            requireManage(principal, h, orgId, "creating a group");
            requireFreeName(h, orgId, name, 0L);
            Group group = groups.insert(h, orgId, name, SqlTime.now());
            tx.change(orgId, "group", group.id(), "created", null, GroupSnapshot.of(group));
            return group;
        });
    }

    public Written<Group> rename(Principal principal, long orgId, long groupId, String name, Integer expectedVersion) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            requireManage(principal, h, orgId, "renaming a group");
            Group current = find(h, orgId, groupId);
            requireVersion("group", current.id(), current.version(), expectedVersion);
            if (current.name().equals(name)) {
                return current;
            }
            if (!current.name().equalsIgnoreCase(name)) {
                requireFreeName(h, orgId, name, groupId);
            }
            Group renamed = groups.update(h, groupId, name, SqlTime.now());
            tx.change(orgId, "group", groupId, "updated", GroupSnapshot.of(current), GroupSnapshot.of(renamed));
            return renamed;
        });
    }

    public Written<Group> delete(Principal principal, long orgId, long groupId, Integer expectedVersion) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            requireManage(principal, h, orgId, "deleting a group");
            Group current = find(h, orgId, groupId);
            requireVersion("group", current.id(), current.version(), expectedVersion);
            groups.delete(h, groupId);
            tx.change(orgId, "group", groupId, "deleted", GroupSnapshot.of(current), null);
            return current;
        });
    }

    /** Adds a member (by member id or user id); adding an existing member changes nothing. */
    public Written<MemberChange> addMember(Principal principal, long orgId, long groupId, String memberRef) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            requireManage(principal, h, orgId, "adding a group member");
            Group current = find(h, orgId, groupId);
            Member member = members.resolve(h, orgId, memberRef);
            if (current.hasMember(member.id())) {
                return new MemberChange(current, member, false);
            }
            if (current.members().size() >= MAX_MEMBERS) {
                throw new ConflictException("group_full", "group " + groupId + " already has " + MAX_MEMBERS
                        + " members, the most a group can hold");
            }
            groups.addMember(h, groupId, member.id(), SqlTime.now());
            Group updated = groups.update(h, groupId, current.name(), SqlTime.now());
            tx.change(orgId, "group", groupId, "updated", GroupSnapshot.of(current), GroupSnapshot.of(updated));
            return new MemberChange(updated, member, true);
        });
    }

    /** Removes a member (by member id or user id); removing a non-member changes nothing. */
    public Written<MemberChange> removeMember(Principal principal, long orgId, long groupId, String memberRef) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            requireManage(principal, h, orgId, "removing a group member");
            Group current = find(h, orgId, groupId);
            Member member = members.resolve(h, orgId, memberRef);
            if (!groups.removeMember(h, groupId, member.id())) {
                return new MemberChange(current, member, false);
            }
            Group updated = groups.update(h, groupId, current.name(), SqlTime.now());
            tx.change(orgId, "group", groupId, "updated", GroupSnapshot.of(current), GroupSnapshot.of(updated));
            return new MemberChange(updated, member, true);
        });
    }

    private void requireManage(Principal principal, Handle h, long orgId, String what) {
        PermissionModel model = orgModels.model(h, orgId);
        access.requirePermission(principal, orgId, model.management().members(), what);
    }

    private void requireFreeName(Handle h, long orgId, String name, long self) {
        groups.findByName(h, orgId, name).filter(g -> g.id() != self).ifPresent(g -> {
            throw new ConflictException("group_name_taken", "organization " + orgId + " already has a group named \""
                    + g.name() + "\" (id " + g.id() + ")");
        });
    }

    private Group find(Handle h, long orgId, long groupId) {
        return groups.find(h, orgId, groupId).orElseThrow(() ->
                new NotFoundException("group_not_found", "group " + groupId + " not found in organization " + orgId));
    }
}
