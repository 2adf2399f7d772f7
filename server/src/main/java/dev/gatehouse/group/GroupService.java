package dev.gatehouse.group;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.org.OrgModels;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Written;
import java.util.List;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Groups of an organization and their rules: names unique per organization ignoring case; managing groups
 * and their members needs the model's member-management permission; internal members read every group,
 * external members none (groups look nonexistent to them); adding a member twice or removing a non-member
 * changes nothing (and logs nothing); a group holds at most {@value #MAX_MEMBERS} members, so its change-log snapshot (which lists them) stays bounded;
 * updates honour the expected version. Every change, including a member change, is a change of object type
 * {@code group} whose snapshot lists the members. Thread-safe.
 */
public final class GroupService {

    public static final int MAX_MEMBERS = 5000;

    /** The outcome of a member change: the group after it, the member, and whether anything changed. */
    public record MemberChange(Group group, Member member, boolean changed) {
    }

    private final GroupStore groups = new GroupStore();
    private final OrgModels orgModels;
    private final MemberService members;
    private final Access access;

    public GroupService(OrgModels orgModels, MemberService members, Access access) {
        this.orgModels = orgModels;
        this.members = members;
        this.access = access;
    }

    public List<Group> list(Principal principal, long orgId, long after, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            orgModels.organization(h, orgId);
            return caller.external() ? List.<Group>of() : groups.list(h, orgId, after, limit);
        });
    }

    public Group get(Principal principal, long orgId, long groupId) {
        return access.read(principal, orgId, (h, caller) -> {
            orgModels.organization(h, orgId);
            if (caller.external()) {
                throw notFound(orgId, groupId);
            }
            return find(h, orgId, groupId);
        });
    }

    public Written<Group> create(Principal principal, long orgId, String name) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(caller, h, orgId, "creating a group");
            requireFreeName(h, orgId, name, 0L);
            Group group = groups.insert(h, orgId, name, SqlTime.now());
            tx.change(orgId, "group", group.id(), "created", null, GroupSnapshot.of(group));
            return group;
        });
    }

    public Written<Group> rename(Principal principal, long orgId, long groupId, String name, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(caller, h, orgId, "renaming a group");
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
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(caller, h, orgId, "deleting a group");
            Group current = find(h, orgId, groupId);
            requireVersion("group", current.id(), current.version(), expectedVersion);
            groups.delete(h, groupId);
            tx.change(orgId, "group", groupId, "deleted", GroupSnapshot.of(current), null);
            return current;
        });
    }

    /** Adds a member; adding an existing member changes nothing. */
    public Written<MemberChange> addMember(Principal principal, long orgId, long groupId, MemberRef memberRef) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(caller, h, orgId, "adding a group member");
            Group current = find(h, orgId, groupId);
            Member member = members.resolve(h, caller, orgId, memberRef);
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

    /** Removes a member; removing a non-member changes nothing. */
    public Written<MemberChange> removeMember(Principal principal, long orgId, long groupId, MemberRef memberRef) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(caller, h, orgId, "removing a group member");
            Group current = find(h, orgId, groupId);
            Member member = members.resolve(h, caller, orgId, memberRef);
            if (!groups.removeMember(h, groupId, member.id())) {
                return new MemberChange(current, member, false);
            }
            Group updated = groups.update(h, groupId, current.name(), SqlTime.now());
            tx.change(orgId, "group", groupId, "updated", GroupSnapshot.of(current), GroupSnapshot.of(updated));
            return new MemberChange(updated, member, true);
        });
    }

    private void requireManage(Caller caller, Handle h, long orgId, String what) {
        PermissionModel model = orgModels.model(h, orgId);
        caller.require(model.management().members(), what);
    }

    private void requireFreeName(Handle h, long orgId, String name, long self) {
        groups.findByName(h, orgId, name).filter(g -> g.id() != self).ifPresent(g -> {
            throw new ConflictException("group_name_taken", "organization " + orgId + " already has a group named \""
                    + g.name() + "\" (id " + g.id() + ")");
        });
    }

    private Group find(Handle h, long orgId, long groupId) {
        return groups.find(h, orgId, groupId).orElseThrow(() -> notFound(orgId, groupId));
    }

    private static NotFoundException notFound(long orgId, long groupId) {
        return new NotFoundException("group_not_found", "group " + groupId + " not found in organization " + orgId);
    }
}
