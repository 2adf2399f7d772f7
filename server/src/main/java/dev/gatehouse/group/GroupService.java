package dev.gatehouse.group;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.sql.NameKey;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.List;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Groups of an organization and their rules: names unique per organization ignoring case; managing groups
 * and their members needs the model's member-management permission; internal members read every group,
 * external members none (groups look nonexistent to them); adding a member twice or removing a non-member
 * changes nothing (and logs nothing); how many groups an organization and members a group may have is limited
 * ({@code Tx#limits}); updates, deletions and member changes honour the expected version.
 *
 * <p>Every change, including a member change, is a change of object type {@code group} whose snapshots leave out
 * the member list ({@link GroupSnapshot#logged}), so a row costs the same whatever the group's size: a member
 * change is an {@code updated} record with a {@link GroupSnapshot#delta} of the member added or removed (changed
 * fields {@code member_count}, {@code members}); a deletion's delta removes every member, which the members-per-group
 * limit bounds. {@link GroupHistory} derives a group's member list at any recorded change from these; the counts a
 * transaction records are counted once per group and then kept as it changes members ({@link GroupCounts}), so that
 * an import's thousand members of one group do not count it a thousand times. Thread-safe.
 */
public final class GroupService {

    /** The outcome of a member change: the member, and whether anything changed. */
    public record MemberChange(Member member, boolean changed) {
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

    /**
     * The members one page of {@link #page} holds at most, unless its first group alone holds more (that group is
     * given whole, as reading it is).
     */
    public static final int PAGE_MEMBERS = 10_000;

    /**
     * A page of the organization's groups after {@code after}, ascending by id, with their members: at most
     * {@code limit} groups, ended early once their members would pass {@link #PAGE_MEMBERS} ({@link
     * GroupStore#page}).
     */
    public GroupPage page(Principal principal, long orgId, long after, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            orgModels.requireExists(h, orgId);
            return caller.external() ? new GroupPage(List.of(), false)
                    : groups.page(h, orgId, after, limit, PAGE_MEMBERS);
        });
    }

    /**
     * The groups after {@code after}, ascending by id, at most {@code limit}, without their members (a list that shows
     * none: Close's), so that no member is read for it.
     */
    public List<GroupHeader> headers(Principal principal, long orgId, long after, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            orgModels.requireExists(h, orgId);
            return caller.external() ? List.<GroupHeader>of() : groups.headers(h, orgId, after, limit);
        });
    }

    public Group get(Principal principal, long orgId, long groupId) {
        return access.read(principal, orgId, (h, caller) -> {
            orgModels.requireExists(h, orgId);
            if (caller.external()) {
                throw notFound(orgId, groupId);
            }
            return find(h, orgId, groupId);
        });
    }

    public Written<Group> create(Principal principal, long orgId, String name) {
        return access.write(principal, orgId, (tx, caller) -> create(tx, caller, orgId, name));
    }

    /** Creates a group inside a running transaction of its organization, with every rule of {@link #create}. */
    public Group create(Tx tx, Caller caller, long orgId, String name) {
        Handle h = tx.handle();
        requireManage(caller, tx, orgId, "creating a group");
        requireFreeName(h, orgId, name, 0L, null);
        tx.limits().beforeAddingGroup(orgId);
        Group group = groups.insert(h, orgId, name, tx.now());
        GroupCounts.of(tx, groups).created(group.id());
        tx.change(orgId, ObjectType.GROUP, group.id(), Action.CREATED, null, LoggedGroup.of(group.header(), 0));
        return group;
    }

    /**
     * The groups named {@code name} ignoring case, the one {@code lower()} calls equal first
     * ({@link GroupStore#sameNames}).
     */
    public List<Group> sameNames(Handle h, long orgId, String name) {
        return groups.sameNames(h, orgId, name);
    }

    public Written<Group> rename(Principal principal, long orgId, long groupId, String name, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(caller, tx, orgId, "renaming a group");
            Group current = find(h, orgId, groupId);
            requireVersion("group", current.id(), current.version(), expectedVersion);
            String given = NameKey.renamed(current.name(), name);
            if (current.name().equals(given)) {
                return current;
            }
            requireFreeName(h, orgId, given, groupId, current.name());
            Group renamed = groups.update(h, groupId, given, tx.now());
            int count = renamed.members().size();
            tx.change(orgId, ObjectType.GROUP, groupId, Action.UPDATED, LoggedGroup.of(current.header(), count),
                    LoggedGroup.of(renamed.header(), count));
            return renamed;
        });
    }

    public Written<Group> delete(Principal principal, long orgId, long groupId, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            requireManage(caller, tx, orgId, "deleting a group");
            Group current = find(tx.handle(), orgId, groupId);
            requireVersion("group", current.id(), current.version(), expectedVersion);
            return delete(tx, caller, orgId, current);
        });
    }

    /**
     * Deletes a group inside a running transaction of its organization, with every rule of {@link #delete} but the
     * version check.
     */
    public Group delete(Tx tx, Caller caller, long orgId, Group current) {
        requireManage(caller, tx, orgId, "deleting a group");
        groups.delete(tx.handle(), current.id());
        GroupCounts.of(tx, groups).deleted(current.id());
        tx.change(orgId, ObjectType.GROUP, current.id(), Action.DELETED, LoggedGroup.of(current.header(),
                current.members().size()), null, LoggedGroup.delta(List.of(), current.members()),
                LoggedGroup.MEMBERS);
        return current;
    }

    /** Adds a member; adding an existing member changes nothing. */
    public Written<MemberChange> addMember(Principal principal, long orgId, long groupId, MemberRef memberRef) {
        return addMember(principal, orgId, groupId, memberRef, null);
    }

    /**
     * Adds a member if the group is still at {@code expectedVersion} (null: whatever its version), a member change
     * being a change of the group.
     */
    public Written<MemberChange> addMember(Principal principal, long orgId, long groupId, MemberRef memberRef,
                                           Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(caller, tx, orgId, "adding a group member");
            GroupHeader current = findHeader(h, orgId, groupId);
            requireVersion("group", current.id(), current.version(), expectedVersion);
            return addMember(tx, caller, orgId, current, members.resolve(h, caller, orgId, memberRef));
        });
    }

    /** Adds a member inside a running transaction of its organization, with every rule of {@link #addMember}. */
    public MemberChange addMember(Tx tx, Caller caller, long orgId, GroupHeader current, Member member) {
        Handle h = tx.handle();
        requireManage(caller, tx, orgId, "adding a group member");
        long groupId = current.id();
        if (groups.isMember(h, groupId, member.id())) {
            return new MemberChange(member, false);
        }
        tx.limits().beforeAddingGroupMember(groupId);
        int count = GroupCounts.of(tx, groups).adding(groupId);
        groups.addMember(h, groupId, member.id(), tx.now());
        recordMemberChange(tx, current, count, count + 1, List.of(new GroupMember(member.id(), member.userId())),
                List.of());
        return new MemberChange(member, true);
    }

    /** Removes a member; removing a non-member changes nothing. */
    public Written<MemberChange> removeMember(Principal principal, long orgId, long groupId, MemberRef memberRef) {
        return removeMember(principal, orgId, groupId, memberRef, null);
    }

    /** Removes a member if the group is still at {@code expectedVersion} (null: whatever its version). */
    public Written<MemberChange> removeMember(Principal principal, long orgId, long groupId, MemberRef memberRef,
                                              Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManage(caller, tx, orgId, "removing a group member");
            GroupHeader current = findHeader(h, orgId, groupId);
            requireVersion("group", current.id(), current.version(), expectedVersion);
            return removeMember(tx, caller, orgId, current, members.resolve(h, caller, orgId, memberRef));
        });
    }

    /** Removes a member inside a running transaction of its organization, with every rule of {@link #removeMember}. */
    public MemberChange removeMember(Tx tx, Caller caller, long orgId, GroupHeader current, Member member) {
        requireManage(caller, tx, orgId, "removing a group member");
        long groupId = current.id();
        if (!groups.removeMember(tx.handle(), groupId, member.id())) {
            return new MemberChange(member, false);
        }
        int count = GroupCounts.of(tx, groups).removed(groupId);
        recordMemberChange(tx, current, count + 1, count, List.of(),
                List.of(new GroupMember(member.id(), member.userId())));
        return new MemberChange(member, true);
    }

    /**
     * Takes a member out of every group of its organization inside a running transaction, recording each as a
     * member change; for a member being removed from the organization (its group rows would otherwise vanish with
     * it unrecorded): the members' {@link dev.gatehouse.member.MemberRemoval}.
     */
    public static void leaveAll(Tx tx, long orgId, Member member) {
        long memberId = member.id();
        GroupStore store = new GroupStore();
        GroupCounts counts = GroupCounts.of(tx, store);
        Handle h = tx.handle();
        for (GroupHeader group : store.groupsOf(h, orgId, memberId)) {
            store.removeMember(h, group.id(), memberId);
            int count = counts.removed(group.id());
            recordMemberChange(tx, group, count + 1, count, List.of(),
                    List.of(new GroupMember(memberId, member.userId())));
        }
    }

    /** Bumps the group's version and records the change with its delta. */
    private static void recordMemberChange(Tx tx, GroupHeader current, int countBefore, int countAfter,
                                           List<GroupMember> added, List<GroupMember> removed) {
        GroupStore.Touched touched = new GroupStore().touch(tx.handle(), current.id(), tx.now());
        tx.change(current.orgId(), ObjectType.GROUP, current.id(), Action.UPDATED,
                LoggedGroup.of(touched.before(), countBefore), LoggedGroup.of(touched.after(), countAfter),
                LoggedGroup.delta(added, removed), LoggedGroup.MEMBERS);
    }

    /**
     * Refuses a caller without the model's member-management permission; the model as the organization's lock read it
     * ({@link Tx#lockedModelId}), else read now.
     */
    private void requireManage(Caller caller, Tx tx, long orgId, String what) {
        String locked = tx.lockedModelId(orgId);
        PermissionModel model = locked == null ? orgModels.model(tx.handle(), orgId)
                : orgModels.model(tx.handle(), locked);
        caller.require(model.management().members(), what);
    }

    /**
     * Refuses {@code name} for group {@code self} (named {@code current}; 0 and null for a new group) when another
     * group of the organization has the same name ignoring case ({@link GroupStore#findSameName}: {@code Straße}
     * beside {@code STRASSE}, {@code ΟΔΟΣ} beside {@code οδος}).
     */
    private void requireFreeName(Handle h, long orgId, String name, long self, String current) {
        groups.findSameName(h, orgId, name, self, current).ifPresent(g -> {
            throw nameTaken(orgId, g, "id " + g.id());
        });
    }

    /**
     * 409 {@code group_name_taken}: {@code holder} has the name. {@code origin} says which group that is besides its
     * name: its id, or — where the refusal rolls the holder back with it, as an import's chunk does with a group one of
     * its lines created — what outlives it, such as that line.
     */
    public static ConflictException nameTaken(long orgId, Group holder, String origin) {
        return ConflictException.about(holder, "group_name_taken", "organization " + orgId + " already has a group "
                + "named \"" + holder.name() + "\" (" + origin + ")");
    }

    private GroupHeader findHeader(Handle h, long orgId, long groupId) {
        return groups.findHeader(h, orgId, groupId).orElseThrow(() -> notFound(orgId, groupId));
    }

    private Group find(Handle h, long orgId, long groupId) {
        return groups.find(h, orgId, groupId).orElseThrow(() -> notFound(orgId, groupId));
    }

    private static NotFoundException notFound(long orgId, long groupId) {
        return new NotFoundException("group_not_found", "group " + groupId + " not found in organization " + orgId);
    }
}
