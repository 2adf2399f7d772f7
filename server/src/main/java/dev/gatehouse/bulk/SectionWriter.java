package dev.gatehouse.bulk;

import dev.gatehouse.access.Caller;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.org.Organization;
import dev.gatehouse.role.Role;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes one chunk of a deployment's import inside its transaction: the lines of each organization by a
 * {@link ChunkWriter} of that organization, with the service key's caller there ({@link Caller#inOrganization}).
 * An organization line creates an organization (as {@code POST /v1/orgs} without an admin) or names an existing
 * one; the locks of every existing organization the chunk writes inside are taken first, in one statement and in
 * ascending order of id, as every write takes them. The chunk's lines before its first organization line continue
 * the organization the chunk before ended in ({@code orgId} given at construction).
 *
 * <p>Not thread-safe; lives for one chunk.
 */
final class SectionWriter {

    private final BulkServices services;
    private final Tx tx;
    private final Caller deployment;
    private final ImportCounts counts;
    private final Map<Long, PermissionModel> models = new HashMap<>();
    private final List<ImportProgress.Created> created = new ArrayList<>();
    /** The organization the lines being written belong to (0: none yet). */
    private long orgId;
    /** Whether its runs of assignments found none of theirs stored so far (see {@link ChunkWriter}). */
    private boolean assignmentsNew;
    /** Its roles when this chunk created it, all it holds (see {@link ChunkWriter}); null when it existed before. */
    private List<Role> createdWith;
    /** The line that created the organization being written, when this chunk created it; null when it existed. */
    private ImportLine.Organization createdBy;
    /** The rows of the organizations this chunk creates and of their system roles, inserted before its first line. */
    private final Map<Long, OrgService.Seeded> insertedAhead = new HashMap<>();

    SectionWriter(BulkServices services, Tx tx, Caller deployment, ImportCounts counts, long orgId,
                  boolean assignmentsNew) {
        this.services = services;
        this.tx = tx;
        this.deployment = deployment;
        this.counts = counts;
        this.orgId = orgId;
        this.assignmentsNew = assignmentsNew;
    }

    void write(List<ImportLine> lines) {
        lockExisting(lines);
        insertAhead(lines);
        ChunkWriter.announce(tx, lines, insertedAhead.values().stream()
                .flatMap(seeded -> seeded.roles().stream().map(Role::name)).toList());
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            if (i == lines.size() || lines.get(i) instanceof ImportLine.Organization) {
                writeSection(lines.subList(start, i));
                if (i < lines.size()) {
                    enter((ImportLine.Organization) lines.get(i));
                }
                start = i + 1;
            }
        }
    }

    /** The organizations this chunk created, in line order. */
    List<ImportProgress.Created> created() {
        return created;
    }

    /** The organization the chunk's last lines belong to. */
    long orgId() {
        return orgId;
    }

    boolean assignmentsNew() {
        return assignmentsNew;
    }

    /**
     * Locks the organization carried over (when the chunk continues it) and those named by {@code org_id}, and notes
     * their models; a 404 at the first line when the one carried over is gone.
     */
    private void lockExisting(List<ImportLine> lines) {
        boolean continues = !lines.isEmpty() && !(lines.get(0) instanceof ImportLine.Organization);
        Set<Long> existing = new TreeSet<>();
        if (continues) {
            existing.add(orgId);
        }
        for (ImportLine line : lines) {
            if (line instanceof ImportLine.Organization o && o.orgId() != null) {
                existing.add(o.orgId());
            }
        }
        tx.lockOrganizations(existing).forEach((id, modelId) ->
                models.put(id, services.orgModels().model(tx.handle(), modelId)));
        if (continues && !models.containsKey(orgId)) {
            throw new LineFailure(lines.get(0).line(), Store.organizationNotFound(orgId));
        }
    }

    /**
     * Inserts the rows of the organizations the chunk's lines create, and of their system roles, in one statement
     * each: each organization is created (its change records) at its own line. One of an unknown model is not
     * inserted, and fails at its line.
     */
    private void insertAhead(List<ImportLine> lines) {
        List<ImportLine.Organization> creating = new ArrayList<>();
        List<PermissionModel> models = new ArrayList<>();
        for (ImportLine line : lines) {
            if (line instanceof ImportLine.Organization o && o.orgId() == null) {
                PermissionModel model = services.orgModels().find(tx.handle(), o.model());
                if (model != null) {
                    creating.add(o);
                    models.add(model);
                }
            }
        }
        List<OrgService.Seeded> inserted = services.orgs().insertAhead(tx,
                creating.stream().map(ImportLine.Organization::name).toList(), models);
        for (int i = 0; i < creating.size(); i++) {
            insertedAhead.put(creating.get(i).line(), inserted.get(i));
        }
    }

    private void enter(ImportLine.Organization line) {
        try {
            if (line.orgId() == null) {
                PermissionModel model = services.orgs().model(tx.handle(), line.model());
                OrgService.Seeded seeded = services.orgs().createIn(tx, insertedAhead.get(line.line()));
                Organization org = seeded.org();
                createdWith = seeded.roles();
                createdBy = line;
                models.put(org.id(), model);
                created.add(new ImportProgress.Created(line.line(), org.id()));
                orgId = org.id();
                counts.count(ImportLine.Kind.ORGANIZATION, ImportCounts.Outcome.CREATED);
            } else {
                PermissionModel model = models.get(line.orgId());
                if (model == null) {
                    throw Store.organizationNotFound(line.orgId());
                }
                if (line.model() != null && !line.model().equals(model.id())) {
                    throw ChunkWriter.modelMismatch(line.model(), line.orgId(), model);
                }
                orgId = line.orgId();
                createdWith = null;
                createdBy = null;
                counts.count(ImportLine.Kind.ORGANIZATION, ImportCounts.Outcome.UNCHANGED);
            }
        } catch (GatehouseException e) {
            throw new LineFailure(line.line(), e);
        }
        assignmentsNew = true;
    }

    private void writeSection(List<ImportLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        ChunkWriter chunk = new ChunkWriter(services, tx, deployment.inOrganization(orgId), models.get(orgId), orgId,
                counts, null, assignmentsNew, createdWith);
        createdWith = null;
        try {
            chunk.write(lines);
        } catch (LineFailure failure) {
            throw createdBy == null ? failure : namedByItsLine(failure, createdBy, orgId);
        }
        assignmentsNew = chunk.assignmentsNew();
    }

    /**
     * A failure in an organization this chunk created, worded without the organization's id: the chunk is rolled
     * back with the failure, and the organization with it, so no request can find that id. A conflict naming
     * {@code organization <id>} (a limit reached, an email taken) names it as its organization line did instead.
     */
    private static LineFailure namedByItsLine(LineFailure failure, ImportLine.Organization created, long orgId) {
        GatehouseException reason = failure.reason();
        Matcher named = Pattern.compile("organization " + orgId + "(?!\\d)").matcher(reason.detail());
        if (!(reason instanceof ConflictException) || !named.find()) {
            return failure;
        }
        String detail = named.replaceAll(Matcher.quoteReplacement("organization \"" + created.name()
                + "\" (created by line " + created.line() + " of this import, and rolled back with it)"));
        Optional<Object> subject = reason.subject(Object.class);
        ConflictException reworded = !reason.context().isEmpty()
                ? new ConflictException(reason.code(), detail, reason.context())
                : subject.isPresent() ? ConflictException.about(subject.get(), reason.code(), detail)
                : new ConflictException(reason.code(), detail);
        return new LineFailure(failure.line(), reworded);
    }

}
