package dev.gatehouse.bulk;

import dev.gatehouse.access.Caller;
import dev.gatehouse.assignment.AssignmentBatch;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.grant.GrantService;
import dev.gatehouse.group.Group;
import dev.gatehouse.group.GroupService;
import dev.gatehouse.json.Fields;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberBatch;
import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.office.OfficeService;
import dev.gatehouse.resource.Placement;
import dev.gatehouse.resource.ResourceService;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleBatch;
import dev.gatehouse.role.RoleInput;
import dev.gatehouse.role.RoleReading;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.store.DatabaseHealth;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * Writes the lines of one chunk inside its transaction, in order, each through the service that owns its kind of
 * object and with every rule that service applies to the caller's own request (roles, members and groups one by
 * one; consecutive assignment upserts together through an {@link AssignmentBatch}, which records them as one
 * {@code bulk_import} change naming their lines). Names resolve against the
 * state the earlier lines left: roles and groups by name ignoring case, members by user id. A line that changes
 * nothing records nothing, but is still refused where its own request would be — the management permission (and a
 * member's gate) comes before any lookup, so that "unchanged" tells a caller nothing it could not read. The first
 * line that fails ends the chunk with a {@link LineFailure}; the caller rolls
 * the chunk back.
 *
 * <p>The caller's own state — what its member is, what its company role and grants give — is read once, when the
 * chunk's transaction starts; a line about the caller itself (a member or grants line naming its member, a role line
 * naming its company role) may change it, so after such a line the caller is read again ({@link
 * dev.gatehouse.access.Access#reread}) before the next line, which is then judged as its own request would be after
 * the lines before it: a member that demotes or deactivates itself, or narrows its own role, writes nothing more
 * that it could not write alone. Runs written together add new members and roles, never the caller's own.
 *
 * <p>While the import's runs of assignments have found none of theirs stored (an organization's first import of
 * them), a run is given without reading which are ({@link AssignmentBatch#prepare} as new), inside a savepoint; when
 * one was after all, or a line of it is refused (the guess may be why), the run is rolled back to the savepoint and
 * given again after reading them, as every run after it until one finds none again ({@link #assignmentsNew}). A
 * failure of the database itself is not the guess's: it ends the chunk as it stands, so that the import answers with
 * where to resume.
 *
 * <p>Not thread-safe; lives for one chunk.
 */
final class ChunkWriter {

    private static final ChangeLogStore CHANGES = new ChangeLogStore();
    /** The fields an {@link #unknown} detail's own words name. */
    private static final Set<String> NAMED_BY_DETAIL = Set.of("user_id", "role", "role_id", "group");
    /** The Rooms refusals whose details name members, rooms and roles by their ids ({@link #roomsWorded}). */
    private static final Set<String> ROOMS_REFUSALS = Set.of("room_owner", "room_role_held", "room_access_revoked");
    /** How those details name a member, a room or a role: {@code user 15}, {@code room 8}, {@code role 3}. */
    private static final Pattern NAMED_BY_ID = Pattern.compile("\\b(user|room|role) (\\d{1,18})\\b");
    /** The savepoint a run of assignments given as new runs in (class comment). */
    private static final String AS_NEW = "gatehouse_assignments_as_new";

    private final BulkServices services;
    private final Tx tx;
    /** The caller as the transaction shows it: read again after a line about it ({@link #callerChanged}). */
    private Caller caller;
    /** Whether the line just written was about the caller itself (class comment). */
    private boolean callerChanged;
    private final PermissionModel model;
    private final long orgId;
    private final ImportCounts counts;
    /** Roles by lower-case name, and all roles by id; loaded at the start, kept current by role lines. */
    private final Map<String, Role> rolesByName = new HashMap<>();
    private final Map<Long, Role> rolesById = new HashMap<>();
    /**
     * Members by user id: a member present, or absent (empty) — for user ids looked up or written in this chunk;
     * {@link #earlier} those the import's earlier chunks resolved, when the organization has not moved since.
     */
    private final Map<String, Optional<Member>> members = new HashMap<>();
    /**
     * The lines of this chunk that added members, by user id: a refusal naming one of them ({@link #worded}) says
     * which line, since the member is rolled back with the chunk.
     */
    private final Map<String, Long> addedBy = new HashMap<>();
    /** What the import's earlier chunks resolved (null: not to be used, see {@link KnownMembers#UNKNOWN}). */
    private final KnownMembers known;
    private Map<String, Optional<Member>> earlier = Map.of();
    private long seenRevision = KnownMembers.UNKNOWN;
    /**
     * What names this chunk looked up mean ({@link #sameRoles}, {@link #sameGroups}), by the name: emptied when a line
     * adds, changes or deletes a role, or adds or deletes a group.
     */
    private final Map<String, List<Role>> sameRoles = new HashMap<>();
    private final Map<String, List<Group>> sameGroups = new HashMap<>();
    /**
     * The roles and groups lines of this chunk created, by id, with the line: a refusal naming one of them
     * ({@link #origin}) says which line, since the object is rolled back with the chunk.
     */
    private final Map<Long, Long> rolesAddedBy = new HashMap<>();
    private final Map<Long, Long> groupsAddedBy = new HashMap<>();
    /** The run of role lines being added together ({@link #addRoles}), whose roles are inserted before it ends. */
    private List<ImportLine> addingRoles = List.of();
    /** Whether the last run of assignments (this chunk's, or the import's before it) found none of its stored. */
    private boolean assignmentsNew;
    /**
     * The roles of an organization created just before these lines, all it held then; null when it existed before
     * them. Such an organization's roles are not read, nor its members looked for until one is written
     * ({@link #noMembersStored}).
     */
    private final List<Role> createdWith;
    private boolean noMembersStored;
    /**
     * In a {@code rooms} or {@code rooms_v5} organization, the regions, offices and rooms the import created for the
     * ids its lines name, and the writer of the lines about them; null in other organizations.
     */
    private final ImportOrigins origins;
    private final RoomsLines roomsLines;

    /** @param createdWith see {@link #createdWith} */
    ChunkWriter(BulkServices services, Tx tx, Caller caller, PermissionModel model, long orgId, ImportCounts counts,
                KnownMembers known, boolean assignmentsNew, List<Role> createdWith) {
        this.services = services;
        this.createdWith = createdWith;
        this.noMembersStored = createdWith != null;
        this.known = known;
        this.assignmentsNew = assignmentsNew;
        this.tx = tx;
        this.caller = caller;
        this.model = model;
        this.orgId = orgId;
        this.counts = counts;
        this.origins = RoomsLines.applies(model) ? new ImportOrigins(tx, orgId) : null;
        this.roomsLines = origins == null ? null : new RoomsLines(services, tx, () -> this.caller, model, orgId, origins,
                this::existingMember, (ref, field) -> rolesById.get(roleId(ref, field)), rolesById::get);
    }

    void write(List<ImportLine> lines) {
        if (known != null) {
            seenRevision = CHANGES.latestRevision(tx.handle(), orgId);
            earlier = known.at(seenRevision);
        }
        List<Role> stored = createdWith != null ? createdWith : services.roles().all(tx.handle(), orgId);
        // the lines' names were folded when the chunk was announced; the stored roles' are folded with one statement
        tx.folds().prefetch(tx.handle(), stored.stream().map(Role::name).toList());
        for (Role role : stored) {
            remember(role);
        }
        lookUpMembers(lines);
        if (origins != null) {
            origins.prefetch(lines);
            roomsLines.prefetch(lines);
        }
        int i = 0;
        while (i < lines.size()) {
            ImportLine line = lines.get(i);
            if (callerChanged) {
                atLine(line, this::rereadCaller);
            }
            if (line instanceof ImportLine.Assignment a && !a.delete()) {
                int end = i + 1;
                while (end < lines.size() && lines.get(end) instanceof ImportLine.Assignment next && !next.delete()) {
                    end++;
                }
                assign(lines.subList(i, end));
                i = end;
                continue;
            }
            if (line instanceof ImportLine.Role r && createsRole(r)) {
                Set<String> names = new HashSet<>(List.of(key(r.name())));
                int end = i + 1;
                while (end < lines.size() && lines.get(end) instanceof ImportLine.Role next && createsRole(next)
                        && names.add(key(next.name()))) {
                    end++;
                }
                addRoles(lines.subList(i, end));
                i = end;
                continue;
            }
            if (line instanceof ImportLine.Member m && addsMember(m)) {
                Set<String> userIds = new HashSet<>(List.of(m.userId()));
                int end = i + 1;
                while (end < lines.size() && lines.get(end) instanceof ImportLine.Member next && addsMember(next)
                        && userIds.add(next.userId())) {
                    end++;
                }
                addMembers(lines.subList(i, end));
                i = end;
                continue;
            }
            try {
                callerChanged = aboutCaller(line);
                counts.count(line.kind(), writeOne(line));
            } catch (GatehouseException e) {
                throw new LineFailure(line.line(), worded(line, e));
            } catch (JdbiException e) {
                throw failure(line, e);
            }
            i++;
        }
    }

    /**
     * Tells the transaction what {@code lines} will ask of the database, so that it asks once for all of them rather
     * than once per run: the emails, and the role and group names the lines name, to fold ({@link
     * dev.gatehouse.sql.Folds}: names are compared as the database compares them, {@link #key}), and how many members
     * and roles may be created ({@link dev.gatehouse.sql.NewIds}). Called once per chunk, before its first line; a
     * deployment's chunk tells it for all its organizations' lines, with the names of the system roles of those it
     * creates ({@code roleNames}), which their runs of roles compare names with.
     */
    static void announce(Tx tx, List<ImportLine> lines, Collection<String> roleNames) {
        List<String> texts = new ArrayList<>(roleNames);
        int newMembers = 0;
        int newRoles = 0;
        for (ImportLine line : lines) {
            if (line instanceof ImportLine.Member m) {
                if (!m.delete()) {
                    texts.add(m.email());
                    newMembers++;
                }
                if (m.role() != null) {
                    texts.add(m.role().name());
                }
            } else if (line instanceof ImportLine.Role r) {
                texts.add(r.name());
                newRoles += r.delete() ? 0 : 1;
            } else if (line instanceof ImportLine.Assignment a && a.role() != null) {
                texts.add(a.role().name());
            } else if (line instanceof ImportLine.Group g) {
                texts.add(g.name());
            } else if (line instanceof ImportLine.GroupMember gm) {
                texts.add(gm.group());
            }
        }
        tx.folds().prefetch(tx.handle(), texts);
        tx.newIds().expect("members", newMembers);
        tx.newIds().expect("roles", newRoles);
    }

    /**
     * Whether {@code line}, about to be written alone, is about the caller itself: names its member (a member, grants
     * or Rooms profile line) or its company role (a role line). Runs are not: they add members and roles.
     */
    private boolean aboutCaller(ImportLine line) {
        if (caller.isService()) {
            return false;
        }
        if (line instanceof ImportLine.Role r) {
            Role role = role("name", r.written());
            return role != null && Objects.equals(caller.roleId(), role.id());
        }
        String userId = line instanceof ImportLine.Member m ? m.userId()
                : line instanceof ImportLine.Grants g ? g.userId()
                : line instanceof ImportLine.RoomsProfile p ? p.userId() : null;
        Member member = userId == null ? null : member(userId);
        return member != null && caller.is(member.id());
    }

    /**
     * Reads the caller again, after a line about it: the lines after it are judged by its state as that line left it
     * (a 401 for the next line once it is no longer active). An external caller resolves only itself
     * ({@link MemberService#resolveUserIds}): when that changed, what was resolved is resolved again.
     */
    private void rereadCaller() {
        Caller before = caller;
        caller = services.access().reread(tx.handle(), caller);
        callerChanged = false;
        if (caller.external() != before.external()) {
            members.clear();
            earlier = Map.of();
        }
    }

    /** What this chunk resolved, once written: for {@link KnownMembers#take} after it commits. */
    KnownMembers.Resolved resolved() {
        return new KnownMembers.Resolved(members, seenRevision, !tx.pending().isEmpty());
    }

    /** Whether this chunk's last run of assignments, or the one before it if it had none, found none stored. */
    boolean assignmentsNew() {
        return assignmentsNew;
    }

    private ImportCounts.Outcome writeOne(ImportLine line) {
        if (line instanceof ImportLine.Header h) {
            return header(h);
        } else if (line instanceof ImportLine.Role r) {
            return r.delete() ? deleteRole(r) : upsertRole(r);
        } else if (line instanceof ImportLine.Member m) {
            return m.delete() ? deleteMember(m) : upsertMember(m);
        } else if (line instanceof ImportLine.Group g) {
            return g.delete() ? deleteGroup(g) : upsertGroup(g);
        } else if (line instanceof ImportLine.GroupMember gm) {
            return groupMember(gm);
        } else if (line instanceof ImportLine.Resource r) {
            return resource(r);
        } else if (line instanceof ImportLine.Grants g) {
            return grants(g);
        } else if (line instanceof ImportLine.RoomsObject o) {
            return roomsObject(o);
        }
        return unassign((ImportLine.Assignment) line);
    }

    /** 400 {@code model_mismatch}: lines of model {@code given} for organization {@code orgId}, of {@code model}. */
    static InvalidInputException modelMismatch(String given, long orgId, PermissionModel model) {
        return new InvalidInputException("model_mismatch", "these lines are of model \"" + given + "\"; organization "
                + orgId + " uses model \"" + model.id() + "\"", Map.of("model", "mismatch"));
    }

    private ImportCounts.Outcome header(ImportLine.Header h) {
        if (!h.model().equals(model.id())) {
            throw modelMismatch(h.model(), orgId, model);
        }
        return ImportCounts.Outcome.UNCHANGED;
    }

    // ---------------------------------------------------------------- roles

    private ImportCounts.Outcome upsertRole(ImportLine.Role line) {
        // one refusal whether or not the role exists: which one would tell a caller that cannot read roles
        caller.require(model.management().roles(), "creating or updating a role");
        Role current = role("name", line.written());
        RoleInput given = line.input();
        // an import names roles, it does not rename them: a role found by a name the same ignoring case (or exactly as
        // stored, an export's line of a name stored before names were trimmed) keeps its name, as a group does
        RoleInput input = current == null ? given
                : new RoleInput(current.name(), given.description(), given.permissions(), given.external(),
                given.visibility(), given.visibilitySet());
        if (current == null) {
            Role created = services.roles().create(tx, caller, model, orgId, input);
            remember(created);
            rolesAddedBy.put(created.id(), line.line());
            return ImportCounts.Outcome.CREATED;
        }
        // through every rule of the update even when it changes nothing, which the service then leaves as it is:
        // a line asking for a role the caller could not define (a permission beyond its own) is refused as the
        // request would be, not "unchanged"
        Role updated = services.roles().update(tx, caller, model, orgId, current, input);
        if (updated == current) {
            return ImportCounts.Outcome.UNCHANGED;
        }
        rolesByName.remove(key(current.name()));
        remember(updated);
        return ImportCounts.Outcome.UPDATED;
    }

    /** Whether {@code line} creates a role: it names none (nor two, which {@link #upsertRole} refuses). */
    private boolean createsRole(ImportLine.Role line) {
        return !line.delete() && found(line.written(), this::roleAsStored, this::sameRoles, Role::id).isEmpty();
    }

    /**
     * Consecutive lines creating roles of distinct names: each checked in order with every rule of
     * {@link #upsertRole}, then all inserted together ({@link RoleBatch}).
     */
    private void addRoles(List<ImportLine> run) {
        addingRoles = run;
        RoleBatch batch = services.roles().batch(tx, caller, model, orgId, rolesById.values());
        atLine(run.get(0), () -> batch.prepare(run.stream().map(l -> ((ImportLine.Role) l).input().name()).toList()));
        for (ImportLine line : run) {
            atLine(line, () -> {
                // one refusal whether or not the role exists, as upsertRole
                caller.require(model.management().roles(), "creating or updating a role");
                batch.add(((ImportLine.Role) line).input());
            });
        }
        List<Role> added = new ArrayList<>();
        atLine(run.get(0), () -> added.addAll(batch.flush()));
        addingRoles = List.of();
        for (int i = 0; i < added.size(); i++) {
            remember(added.get(i));
            rolesAddedBy.put(added.get(i).id(), run.get(i).line());
            counts.count(ImportLine.Kind.ROLE, ImportCounts.Outcome.CREATED);
        }
    }

    private ImportCounts.Outcome deleteRole(ImportLine.Role line) {
        caller.require(model.management().roles(), "deleting a role");
        Role current = role("name", line.written());
        if (current == null) {
            return ImportCounts.Outcome.UNCHANGED;
        }
        services.roles().delete(tx, caller, model, orgId, current);
        rolesByName.remove(key(current.name()));
        rolesById.remove(current.id());
        sameRoles.clear();
        return ImportCounts.Outcome.DELETED;
    }

    private void remember(Role role) {
        rolesByName.put(key(role.name()), role);
        rolesById.put(role.id(), role);
        sameRoles.clear();
    }

    /**
     * Which role or group ({@code kind}) {@code id}, named {@code name}, is, as a refusal at {@code line} names it: the
     * line of this chunk that created it, or the organization this chunk created with it (its system roles), since
     * the chunk is rolled back with the refusal; else its id.
     */
    private String origin(String kind, long id, String name, ImportLine line) {
        Long created = (kind.equals("role") ? rolesAddedBy : groupsAddedBy).get(id);
        if (created == null && kind.equals("role") && !rolesById.containsKey(id)) {
            // a role of the run being added, inserted before the line refused
            created = addingRoles.stream().filter(l -> l.line() < line.line()
                    && ((ImportLine.Role) l).input().name().equals(name)).map(ImportLine::line).findFirst().orElse(null);
        }
        if (created != null) {
            return "created by line " + created + " of this import";
        }
        if (kind.equals("role") && createdWith != null && createdWith.stream().anyMatch(r -> r.id() == id)) {
            return "created with its organization by this import";
        }
        return "id " + id;
    }

    /** The role a line names by {@code written} in its field {@code field} ({@link #named}); null when none. */
    private Role role(String field, String written) {
        return named(field, "role", written, this::roleAsStored, this::sameRoles, Role::name, Role::id);
    }

    /** The role named exactly {@code name}, or null. */
    private Role roleAsStored(String name) {
        Role role = rolesByName.get(key(name));
        return role != null && role.name().equals(name) ? role : null;
    }

    /**
     * The roles a reference by {@code name} may mean ({@link #found}): none when no role's name is {@code name} as
     * {@code lower()} folds both, else that role and every other whose name is the same ignoring case
     * ({@link RoleService#sameNames}), as this chunk holds them.
     */
    private List<Role> sameRoles(String name) {
        if (!rolesByName.containsKey(key(name))) {
            return List.of();
        }
        return sameRoles.computeIfAbsent(name, n -> services.roles().sameNames(tx.handle(), orgId, n).stream()
                .map(r -> rolesById.getOrDefault(r.id(), r)).toList());
    }

    /** The id of the role a line names by {@code role} or {@code role_id}; a 400 naming the field when there is none. */
    private long roleId(ImportLine.RoleRef ref) {
        return roleId(ref, "role");
    }

    /**
     * The id of the role a line names by the field {@code field} (its name) or {@code field + "_id"} (its id), e.g.
     * {@code revoked_role} or {@code revoked_role_id}; a 400 naming the field the line sent when there is none. To an
     * external caller an internal role is none: it may never give or read one, and the answer does not tell a
     * company role's name or id from one that does not exist ({@code role/RoleReading}).
     */
    private long roleId(ImportLine.RoleRef ref, String field) {
        if (ref.id() != null) {
            if (!givable(rolesById.get(ref.id()))) {
                throw unknown(field + "_id", "role " + ref.id() + " not found in its organization");
            }
            return ref.id();
        }
        Role role = role(field, ref.name());
        if (!givable(role)) {
            throw unknown(field, "role \"" + ref.name() + "\" not found in its organization");
        }
        return role.id();
    }

    /** Whether {@code role} exists for the caller ({@link RoleReading#givableBy}). */
    private boolean givable(Role role) {
        return role != null && RoleReading.givableBy(caller, role);
    }

    // ---------------------------------------------------------------- members

    private ImportCounts.Outcome upsertMember(ImportLine.Member line) {
        Member current = member(line.userId());
        Long roleId = memberRoleId(line, current == null);
        if (current == null) {
            // added as a run's members are, so that its id follows the lines before it (addsMember); a deactivated
            // one is created so, in one change: it was never active, and no reader of the log may see it so
            Member added = insertMembers(List.of(line)).get(0);
            if (Member.DEACTIVATED.equals(line.status())) {
                // judged as deactivating it would be, by the gate for changing a member, besides adding one
                services.members().requireMayChange(tx.handle(), caller, model, added, roleId, line.external(),
                        "updating a member");
            }
            members.put(line.userId(), Optional.of(added));
            return ImportCounts.Outcome.CREATED;
        }
        MemberService.Changeable gated = services.members().requireMayChange(tx.handle(), caller, model, current,
                roleId == null ? current.roleId() : roleId, current.external(), "updating a member");
        boolean differs = !current.email().equals(line.email())
                || line.firstName() != null && !line.firstName().equals(current.firstName())
                || line.lastName() != null && !line.lastName().equals(current.lastName())
                || roleId != null && !roleId.equals(current.roleId())
                || line.external() != current.external()
                || line.status() != null && !line.status().equals(current.status());
        if (!differs) {
            return ImportCounts.Outcome.UNCHANGED;
        }
        Member updated = services.members().update(tx, caller, model, orgId, gated, new MemberInput(null,
                line.email(), line.firstName(), line.lastName(), roleId, line.external(), line.status()));
        members.put(line.userId(), Optional.of(updated));
        return ImportCounts.Outcome.UPDATED;
    }

    /**
     * Whether a member line adds a member that can be added with others ({@link #addMembers}). A deactivated one is
     * added alone, created deactivated and then judged by the gate for changing a member ({@link #upsertMember}) —
     * through a batch of its own, so that new members' ids ascend in line order whatever their status.
     */
    private boolean addsMember(ImportLine.Member line) {
        return !line.delete() && !Member.DEACTIVATED.equals(line.status()) && member(line.userId()) == null;
    }

    /** Consecutive lines adding members with distinct user ids ({@link #insertMembers}), each counted created. */
    private void addMembers(List<ImportLine> run) {
        insertMembers(run).forEach(m -> counts.count(ImportLine.Kind.MEMBER, ImportCounts.Outcome.CREATED));
    }

    /**
     * Consecutive lines adding members with distinct user ids, none of them held: each checked in order with every
     * rule of {@link #upsertMember}, then all inserted together ({@link dev.gatehouse.member.MemberBatch}), taking
     * the ids the chunk announced ({@link #announce}) in line order, each with its line's status (active when
     * absent). Returns them in line order.
     */
    private List<Member> insertMembers(List<? extends ImportLine> run) {
        List<String> userIds = run.stream().map(l -> ((ImportLine.Member) l).userId()).toList();
        // every user id of the run was found free (addsMember)
        MemberBatch batch = services.members().batch(tx, caller, model, orgId).knowingRoles(rolesByName.values())
                .knowingFree(userIds);
        if (noMembersStored) {
            batch.knowingNoneStored();
            noMembersStored = false;
        }
        atLine(run.get(0), () -> batch.prepare(userIds, run.stream().map(l -> ((ImportLine.Member) l).email())
                .toList()));
        for (ImportLine l : run) {
            addedBy.put(((ImportLine.Member) l).userId(), l.line());
        }
        for (ImportLine l : run) {
            ImportLine.Member line = (ImportLine.Member) l;
            atLine(line, () -> {
                Long roleId = memberRoleId(line, true);
                services.members().requireMay(tx.handle(), caller, model, MemberRules.Action.ADD, null, roleId,
                        line.external(), "adding a member");
                batch.add(new MemberInput(line.userId(), line.email(), line.firstName(), line.lastName(), roleId,
                        line.external(), line.status()));
            });
        }
        List<Member> added = new ArrayList<>();
        atLine(run.get(0), () -> added.addAll(batch.flush()));
        for (Member m : added) {
            members.put(m.userId(), Optional.of(m));
        }
        return added;
    }

    /**
     * Runs one step of writing {@code line} (or a run starting at it): a refusal or a typed database failure
     * becomes that line's {@link LineFailure}.
     */
    private void atLine(ImportLine line, Runnable step) {
        try {
            step.run();
        } catch (GatehouseException e) {
            throw new LineFailure(line.line(), worded(line, e));
        } catch (JdbiException e) {
            throw failure(line, e);
        }
    }

    /**
     * A refusal as the import words it: a {@code member_exists}, {@code role_name_taken} or {@code group_name_taken}
     * whose holder a line of this chunk added names that line instead of the holder's id, which no object has once
     * the chunk is rolled back with the refusal.
     */
    private GatehouseException worded(ImportLine line, GatehouseException e) {
        if (ROOMS_REFUSALS.contains(e.code())) {
            return roomsWorded(line, e);
        }
        if ("role_name_taken".equals(e.code()) && e.subject(Role.class).isPresent()) {
            Role holder = e.subject(Role.class).get();
            String origin = origin("role", holder.id(), holder.name(), line);
            return origin.startsWith("id ") ? e : RoleService.nameTaken(orgId, holder, origin);
        }
        if ("group_name_taken".equals(e.code()) && e.subject(Group.class).isPresent()) {
            Group holder = e.subject(Group.class).get();
            String origin = origin("group", holder.id(), holder.name(), line);
            return origin.startsWith("id ") ? e : GroupService.nameTaken(orgId, holder, origin);
        }
        if (!"member_exists".equals(e.code()) || !(line instanceof ImportLine.Member m)) {
            return e;
        }
        Optional<Member> holder = e.subject(Member.class);
        Long added = holder.map(h -> addedBy.get(h.userId())).orElse(null);
        if (added == null) {
            return e;
        }
        String origin = "added by line " + added + " of this import";
        return holder.get().userId().equals(m.userId()) ? MemberService.userIdTaken(orgId, m.userId(), holder.get(),
                origin) : MemberService.emailTaken(orgId, m.email(), holder.get(), origin);
    }

    /**
     * A Rooms refusal ({@link #ROOMS_REFUSALS}) as the import words it: a member, room or role its detail names by
     * id that a line of this chunk added is named as the lines name it — {@code user "u-bob"}, the room by the id its
     * line gave it, {@code role "Agent"} — and the line that added it is said at the end, since the chunk is rolled
     * back with the refusal and no object has those ids any more. Objects there before the chunk keep their ids.
     */
    private GatehouseException roomsWorded(ImportLine line, GatehouseException e) {
        if (!(e instanceof ConflictException)) {
            return e;
        }
        Matcher named = NAMED_BY_ID.matcher(e.detail());
        StringBuilder detail = new StringBuilder();
        Map<String, String> origins = new LinkedHashMap<>();
        while (named.find()) {
            long id = Long.parseLong(named.group(2));
            Renamed renamed = switch (named.group(1)) {
                case "user" -> addedMember(id);
                case "room" -> createdRoom(id);
                default -> createdRole(id, line);
            };
            if (renamed != null) {
                origins.putIfAbsent(renamed.name(), renamed.origin());
            }
            named.appendReplacement(detail, Matcher.quoteReplacement(renamed == null ? named.group() : renamed.name()));
        }
        if (origins.isEmpty()) {
            return e;
        }
        named.appendTail(detail);
        List<String> said = origins.entrySet().stream().map(o -> o.getKey() + ": " + o.getValue()).toList();
        return new ConflictException(e.code(), detail + " (" + String.join("; ", said) + ")", e);
    }

    /** An object of this chunk as a refusal names it ({@link #roomsWorded}): as the lines name it, and its line. */
    private record Renamed(String name, String origin) {
    }

    /** A member a line of this chunk added, by id: its user id and that line; else null. */
    private Renamed addedMember(long id) {
        for (Map.Entry<String, Long> added : addedBy.entrySet()) {
            Optional<Member> member = members.getOrDefault(added.getKey(), Optional.empty());
            if (member.isPresent() && member.get().id() == id) {
                return new Renamed("user \"" + added.getKey() + "\"", "added by line " + added.getValue()
                        + " of this import");
            }
        }
        return null;
    }

    /** A room a line of this chunk created, by its id here: the id its line gave it, and that line; else null. */
    private Renamed createdRoom(long id) {
        ImportLine.Room room = roomsLines == null || id > Integer.MAX_VALUE ? null : roomsLines.createdBy((int) id);
        return room == null ? null : new Renamed("room " + room.id(), "created by line " + room.line()
                + " of this import");
    }

    /** A role this chunk created ({@link #origin}), by id: its name and where it came from; else null. */
    private Renamed createdRole(long id, ImportLine line) {
        Role role = rolesById.get(id);
        String origin = role == null ? null : origin("role", id, role.name(), line);
        return origin == null || origin.startsWith("id ") ? null : new Renamed("role \"" + role.name() + "\"", origin);
    }

    /**
     * The id of the company role a member line names (null: none named, which keeps an existing member's). A name that
     * resolves to nothing is refused as its own request would be: for want of the management permission of members
     * first (a caller without it learns nothing of the roles), else 400 naming it. A new internal member needs one:
     * a line whose {@code role} was null is refused as one without it is. {@code adding}: the line adds its member.
     */
    private Long memberRoleId(ImportLine.Member line, boolean adding) {
        if (line.role() == null) {
            if (adding && !line.external()) {
                // as an unknown role is: what a caller without the permission is told tells it nothing of the member
                caller.require(model.management().members(), "adding a member");
                throw InvalidInputException.field("role", "is required (or role_id) for a new member");
            }
            return null;
        }
        try {
            return roleId(line.role());
        } catch (InvalidInputException unknown) {
            caller.require(model.management().members(), adding ? "adding a member" : "updating a member");
            throw unknown;
        }
    }

    private ImportCounts.Outcome deleteMember(ImportLine.Member line) {
        Member current = member(line.userId());
        if (current == null) {
            // one refusal whether or not the member exists, as for the other kinds
            caller.require(model.management().members(), "removing a member");
            return ImportCounts.Outcome.UNCHANGED;
        }
        services.members().requireMay(tx.handle(), caller, model, MemberRules.Action.REMOVE, current, null,
                current.external(), "removing a member");
        services.members().delete(tx, model, orgId, current);
        members.put(line.userId(), Optional.empty());
        addedBy.remove(line.userId());
        return ImportCounts.Outcome.DELETED;
    }

    /** Reads the members every line of the chunk names, in one query. */
    private void lookUpMembers(List<ImportLine> lines) {
        Set<String> userIds = new HashSet<>();
        for (ImportLine line : lines) {
            if (line instanceof ImportLine.Member m) {
                userIds.add(m.userId());
            } else if (line instanceof ImportLine.GroupMember gm) {
                userIds.add(gm.userId());
            } else if (line instanceof ImportLine.Assignment a) {
                userIds.add(a.userId());
            } else if (line instanceof ImportLine.Room r) {
                userIds.addAll(r.owners());
                if (r.createdBy() != null) {
                    userIds.add(r.createdBy());
                }
            } else if (line instanceof ImportLine.RoomUser u) {
                userIds.add(u.userId());
                if (u.invitedBy() != null) {
                    userIds.add(u.invitedBy());
                }
            } else if (line instanceof ImportLine.RoomsProfile rp) {
                userIds.add(rp.userId());
            }
        }
        userIds.removeAll(members.keySet());
        userIds.removeAll(earlier.keySet());
        Map<String, Member> found = noMembersStored ? Map.of()
                : services.members().resolveUserIds(tx.handle(), caller, orgId, userIds);
        for (String userId : userIds) {
            members.put(userId, Optional.ofNullable(found.get(userId)));
        }
    }

    private Member member(String userId) {
        Optional<Member> member = members.get(userId);
        if (member == null) {
            member = earlier.get(userId);
        }
        if (member == null) {
            member = noMembersStored ? Optional.empty() : Optional.ofNullable(services.members()
                    .resolveUserIds(tx.handle(), caller, orgId, List.of(userId)).get(userId));
            members.put(userId, member);
        }
        return member.orElse(null);
    }

    /**
     * The member a line names by {@code userId} in its field {@code field} ({@code user_id}, or e.g. {@code invited_by},
     * {@code owners[1]}); a 400 naming that field when there is none.
     */
    private Member existingMember(String field, String userId) {
        Member member = member(userId);
        if (member == null) {
            throw unknown(field, "no member with user_id \"" + userId + "\" in its organization");
        }
        return member;
    }

    // ---------------------------------------------------------------- groups

    private ImportCounts.Outcome upsertGroup(ImportLine.Group line) {
        caller.require(model.management().members(), "creating a group");
        if (group("name", line.written()) != null) {
            return ImportCounts.Outcome.UNCHANGED;
        }
        Group created = services.groups().create(tx, caller, orgId, line.name());
        sameGroups.clear();
        groupsAddedBy.put(created.id(), line.line());
        return ImportCounts.Outcome.CREATED;
    }

    private ImportCounts.Outcome deleteGroup(ImportLine.Group line) {
        caller.require(model.management().members(), "deleting a group");
        Group current = group("name", line.written());
        if (current == null) {
            return ImportCounts.Outcome.UNCHANGED;
        }
        services.groups().delete(tx, caller, orgId, current);
        sameGroups.clear();
        return ImportCounts.Outcome.DELETED;
    }

    private ImportCounts.Outcome groupMember(ImportLine.GroupMember line) {
        caller.require(model.management().members(), line.delete() ? "removing a group member"
                : "adding a group member");
        Group group = group("group", line.group());
        if (group == null) {
            throw unknown("group", "no group named \"" + line.group() + "\" in its organization");
        }
        Member member = existingMember("user_id", line.userId());
        if (line.delete()) {
            return services.groups().removeMember(tx, caller, orgId, group.header(), member).changed()
                    ? ImportCounts.Outcome.DELETED : ImportCounts.Outcome.UNCHANGED;
        }
        return services.groups().addMember(tx, caller, orgId, group.header(), member).changed()
                ? ImportCounts.Outcome.CREATED : ImportCounts.Outcome.UNCHANGED;
    }

    /** The group a line names by {@code written} in its field {@code field} ({@link #named}); null when none. */
    private Group group(String field, String written) {
        return named(field, "group", written, n -> sameGroups(n).stream().filter(g -> g.name().equals(n)).findFirst()
                .orElse(null), this::sameGroups, Group::name, Group::id);
    }

    /**
     * The groups a reference by {@code name} may mean ({@link #found}): none when no group's name is {@code name} as
     * {@code lower()} folds both, else that group and every other whose name is the same ignoring case
     * ({@link GroupService#sameNames}).
     */
    private List<Group> sameGroups(String name) {
        List<Group> same = sameGroups.computeIfAbsent(name, n -> services.groups().sameNames(tx.handle(), orgId, n));
        // the one lower() calls equal comes first
        return same.isEmpty() || !key(same.get(0).name()).equals(key(name)) ? List.of() : same;
    }

    // ---------------------------------------------------------------- per-member grants

    /**
     * A member's whole set, restored as an export wrote it ({@link GrantService#restore}): a member whose company role
     * takes no grants keeps it stored, counted {@code kept} beside its outcome.
     */
    private ImportCounts.Outcome grants(ImportLine.Grants line) {
        // before the member is looked for, as its own request asks (PUT …/members/{member}/grants)
        caller.require(model.management().members(), "changing a member's grants");
        Member member = existingMember("user_id", line.userId());
        GrantService.Replaced replaced = services.grants().restore(tx, caller, model, orgId, member,
                line.permissions());
        if (!replaced.changed()) {
            return ImportCounts.Outcome.UNCHANGED;
        }
        if (replaced.kept()) {
            counts.keptGrants();
        }
        return replaced.before() == null ? ImportCounts.Outcome.CREATED
                : replaced.after() == null ? ImportCounts.Outcome.DELETED : ImportCounts.Outcome.UPDATED;
    }

    // ---------------------------------------------------------------- the resource hierarchy

    private ImportCounts.Outcome resource(ImportLine.Resource line) {
        String id = localResource(line.type(), line.id());
        if (line.delete()) {
            return services.resources().delete(tx, caller, model, orgId, line.type(), id)
                    ? ImportCounts.Outcome.DELETED : ImportCounts.Outcome.UNCHANGED;
        }
        ResourceService.ParentRef parent = line.parentType() == null ? null
                : new ResourceService.ParentRef(line.parentType(), localResource(line.parentType(), line.parentId()));
        Placement.Placed put = services.resources().put(tx, caller, model, orgId, line.type(), id, parent);
        if (put.created()) {
            return ImportCounts.Outcome.CREATED;
        }
        return put.changed() ? ImportCounts.Outcome.UPDATED : ImportCounts.Outcome.UNCHANGED;
    }

    // ---------------------------------------------------------------- assignments

    /**
     * Consecutive assignment upserts: names resolved in order, then checked and written together; the first line
     * that fails, whether its names or its rules, is the one reported. Given as new first while the runs before
     * found none of theirs stored (class comment).
     */
    private void assign(List<ImportLine> run) {
        if (assignmentsNew) {
            Handle handle = tx.handle();
            handle.savepoint(AS_NEW);
            try {
                assign(run, true);
                handle.releaseSavepoint(AS_NEW);
                return;
            } catch (LineFailure refused) {
                if (refused.reason() instanceof UnavailableException) {
                    // the database failed, not the guess: given again the run fails the same way, and on a lost
                    // connection the rollback would fail too and hide why
                    throw refused;
                }
                rollBackGuess(handle, run.get(0), refused);
            }
        }
        assignmentsNew = !assign(run, false);
    }

    /**
     * Rolls a run given as new back to its savepoint after {@code refused}: a row stored after all (the primary key's
     * {@code duplicate}) or a refusal the guess made (a limit counting a stored row as new, a rule judging a change as
     * a new role), neither of which stands. When even the rollback fails, the transaction is lost with the
     * connection — the run's failure is the database's, with both failures kept beside it; never the refusal, which
     * may be the guess's own.
     */
    private static void rollBackGuess(Handle handle, ImportLine first, LineFailure refused) {
        try {
            handle.rollbackToSavepoint(AS_NEW);
        } catch (RuntimeException rollback) {
            // the pool's "Connection is closed", after it dropped the connection, carries no SQL state
            UnavailableException lost = rollback instanceof JdbiException j
                    && Store.translate(j) instanceof UnavailableException typed ? typed : DatabaseHealth.unavailable();
            lost.addSuppressed(rollback);
            lost.addSuppressed(refused);
            throw new LineFailure(first.line(), lost);
        }
    }

    /**
     * A refusal of an assignment line as the line wrote its role: a role it named by name ({@code role}) is refused
     * on that field, not on {@code role_id}, which the line does not carry (the assignment rules name the field of
     * their own requests).
     */
    private static GatehouseException asWritten(ImportLine.Assignment line, GatehouseException e) {
        if (line.role() == null || line.role().name() == null || !(e instanceof InvalidInputException invalid)
                || !invalid.fieldErrors().containsKey("role_id") || !invalid.context().isEmpty()) {
            return e;
        }
        Map<String, String> errors = new LinkedHashMap<>();
        invalid.fieldErrors().forEach((field, reason) -> errors.put(field.equals("role_id") ? "role" : field, reason));
        String detail = invalid.detail().startsWith("role_id: ") ? "role: " + invalid.detail().substring(9)
                : invalid.detail();
        return new InvalidInputException(invalid.code(), detail, errors, invalid);
    }

    /**
     * Gives a run through one {@link AssignmentBatch}: {@code asNew}, taking each to have no row, else after reading
     * them; counts its lines once all are written. Returns whether any was found stored.
     */
    private boolean assign(List<ImportLine> run, boolean asNew) {
        ImportLine.Assignment first = (ImportLine.Assignment) run.get(0);
        try {
            // before any name is resolved: an unknown role or member must not answer a caller that may not assign
            services.assignments().rules().requireMayManage(caller, model,
                    AssignmentService.assigning(first.type(), first.resourceId()));
        } catch (GatehouseException e) {
            throw new LineFailure(first.line(), e);
        }
        List<AssignmentBatch.Wanted> wanted = new ArrayList<>(run.size());
        // the lines of wanted, in its order: a room's line whose end revoked its user is not given (RoomsLines)
        List<ImportLine> given = new ArrayList<>(run.size());
        int revokedByTheirEnd = 0;
        LineFailure unresolved = null;
        for (ImportLine line : run) {
            ImportLine.Assignment a = (ImportLine.Assignment) line;
            try {
                AssignmentBatch.Wanted w = new AssignmentBatch.Wanted(a.type(), localResource(a.type(),
                        a.resourceId()), existingMember("user_id", a.userId()), roleId(a.role()), a.expiresAt());
                if (roomsLines != null && roomsLines.revokedByItsEnd(w)) {
                    revokedByTheirEnd++;
                    continue;
                }
                wanted.add(w);
                given.add(line);
            } catch (GatehouseException e) {
                unresolved = new LineFailure(a.line(), worded(a, asWritten(a, e)));
                break;
            }
        }
        AssignmentBatch batch = services.assignments().batch(tx, caller, model, orgId)
                .knowingRoles(rolesByName.values());
        try {
            batch.prepare(wanted, asNew);
        } catch (GatehouseException e) {
            throw new LineFailure(run.get(0).line(), worded(run.get(0), e));
        } catch (JdbiException e) {
            throw failure(run.get(0), e);
        }
        List<ImportCounts.Outcome> outcomes = new ArrayList<>(wanted.size());
        List<AssignmentBatch.Wanted> ended = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            AssignmentBatch.Outcome outcome;
            try {
                outcome = batch.put(wanted.get(i));
            } catch (GatehouseException e) {
                ImportLine.Assignment refused = (ImportLine.Assignment) given.get(i);
                throw new LineFailure(refused.line(), worded(refused, asWritten(refused, e)));
            } catch (JdbiException e) {
                throw failure(given.get(i), e);
            }
            if (outcome == AssignmentBatch.Outcome.ENDED) {
                ended.add(wanted.get(i));
            }
            outcomes.add(switch (outcome) {
                case CREATED -> ImportCounts.Outcome.CREATED;
                case UPDATED -> ImportCounts.Outcome.UPDATED;
                // a role whose end has passed gives nothing: the organization is as it was
                case UNCHANGED, ENDED -> ImportCounts.Outcome.UNCHANGED;
            });
        }
        if (unresolved != null) {
            throw unresolved;
        }
        try {
            batch.flush(run.get(0).line(), run.get(run.size() - 1).line());
            if (roomsLines != null) {
                roomsLines.ended(ended);
            }
        } catch (GatehouseException e) {
            throw new LineFailure(run.get(0).line(), worded(run.get(0), e));
        } catch (JdbiException e) {
            throw failure(run.get(0), e);
        }
        outcomes.forEach(outcome -> counts.count(ImportLine.Kind.ASSIGNMENT, outcome));
        for (int i = 0; i < revokedByTheirEnd; i++) {
            counts.count(ImportLine.Kind.ASSIGNMENT, ImportCounts.Outcome.UNCHANGED);
        }
        return batch.foundStored();
    }

    private ImportCounts.Outcome unassign(ImportLine.Assignment line) {
        services.assignments().rules().requireMayManage(caller, model,
                AssignmentService.removing(line.type(), line.resourceId()));
        Member member = member(line.userId());
        if (member == null) {
            return ImportCounts.Outcome.UNCHANGED;
        }
        return services.assignments().removeIfHeld(tx, caller, model, orgId, line.type(),
                localResource(line.type(), line.resourceId()), member)
                ? ImportCounts.Outcome.DELETED : ImportCounts.Outcome.UNCHANGED;
    }

    // ---------------------------------------------------------------- the Rooms dialect's objects

    private ImportCounts.Outcome roomsObject(ImportLine.RoomsObject line) {
        if (roomsLines == null) {
            // refused as in any organization without them, by the same gate first
            caller.require(OfficeService.MANAGE, "importing a " + line.kind().wire());
            throw new InvalidInputException("not_a_rooms_organization", line.kind().wire() + " lines belong to "
                    + "organizations on the \"rooms\" and \"rooms_v5\" models; this one uses \"" + model.id() + "\"");
        }
        return roomsLines.write(line);
    }

    /**
     * The resource id a line's {@code id} of {@code type} names here: in a Rooms organization, a region, office or
     * room the import created for it ({@link ImportOrigins}); else itself.
     */
    private String localResource(String type, String id) {
        return origins == null ? id : origins.localResource(type, id);
    }

    /** A database failure while writing a line: typed when the store knows it, else a bug, as is. */
    private static RuntimeException failure(ImportLine line, JdbiException e) {
        RuntimeException translated = Store.translate(e);
        return translated instanceof GatehouseException typed ? new LineFailure(line.line(), typed) : translated;
    }

    /**
     * 400 {@code unknown_reference} naming {@code field}, the line's field that names nothing: in {@code errors}, and
     * at the start of the detail when it is not the field the detail's words name already ({@code user_id},
     * {@code role}, {@code role_id}, {@code group}). Its detail names no organization id: the line's organization is
     * the one its lines belong to, and in a deployment's import it may be one the failing chunk created, whose id is
     * rolled back with it.
     */
    private static InvalidInputException unknown(String field, String detail) {
        return new InvalidInputException("unknown_reference", NAMED_BY_DETAIL.contains(field) ? detail
                : field + ": " + detail,
                Map.of(field, "not found"));
    }

    /**
     * A role's or group's name as a reference by name compares it: folded by the database ({@link dev.gatehouse.sql.Folds}),
     * as the older unique indexes of names fold it (a new name is judged by its key too: {@link dev.gatehouse.sql.NameKey}). Java's folding once stood here: it folds a final capital sigma to
     * {@code ς} where the database gives {@code σ}, so an import matched "VIEWERς" to the stored "VIEWERΣ", another
     * role, and a copied organization gave a member the other role's permissions.
     */
    private String key(String name) {
        return tx.folds().of(tx.handle(), name);
    }

    /**
     * What a line names by {@code written} (a role or group line, a role or group reference) in its field
     * {@code field} ({@link #found}): the object stored as written ({@code asStored}), else those the name means
     * ({@code same}); null when it names nothing. When it names two objects, neither exactly as stored, the line is
     * refused naming both (400 {@code ambiguous_reference}) rather than taken for either: a role line would otherwise
     * write one role's values over the other's, and a delete line delete the other.
     */
    private <T> T named(String field, String kind, String written, Function<String, T> asStored,
                        Function<String, List<T>> same, Function<T, String> nameOf, ToLongFunction<T> idOf) {
        List<T> found = found(written, asStored, same, idOf);
        if (found.size() > 1) {
            T first = found.get(0);
            T second = found.get(1);
            throw new InvalidInputException("ambiguous_reference", field + ": \"" + written + "\" names two " + kind
                    + "s, \"" + nameOf.apply(first) + "\" (id " + idOf.applyAsLong(first) + ") and \""
                    + nameOf.apply(second) + "\" (id " + idOf.applyAsLong(second) + "), names that are the same "
                    + "ignoring case and composition; write the name exactly as stored, as an export does",
                    Map.of(field, "ambiguous"));
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * What a line refers to by a name: the object stored under the name exactly as written ({@code asStored}; as an
     * export writes it, which may be a name stored before names were trimmed of spaces of every kind or composed);
     * else every object the name means as written, and as trimmed and composed ({@link Fields#asName}) as a line
     * creating the object takes it ({@code same}: the one whose name {@code lower()} calls equal to it, with every
     * other of the same name ignoring case, {@link dev.gatehouse.sql.NameKey#sameNames}) — so that {@code Sales} +
     * U+00A0 names the group {@code Sales} in every line alike, and {@code Cafe} + U+0301 the group {@code Café}.
     * Two or more when those are two objects: {@code re} U+0301 {@code sume} U+0301 beside the stored {@code Résumé}
     * and {@code Re} U+0301 {@code sume} U+0301, which {@code lower()} tells apart; {@code İstanbul} beside the stored
     * {@code istanbul}, which {@code lower()} calls equal to it, and {@code i} U+0307 {@code stanbul}, its key's.
     */
    private static <T> List<T> found(String written, Function<String, T> asStored, Function<String, List<T>> same,
                                     ToLongFunction<T> idOf) {
        T stored = asStored.apply(written);
        if (stored != null) {
            return List.of(stored);
        }
        Map<Long, T> byId = new LinkedHashMap<>();
        same.apply(written).forEach(t -> byId.putIfAbsent(idOf.applyAsLong(t), t));
        String taken = Fields.asName(written);
        if (!taken.isEmpty() && !taken.equals(written)) {
            same.apply(taken).forEach(t -> byId.putIfAbsent(idOf.applyAsLong(t), t));
        }
        return List.copyOf(byId.values());
    }
}
