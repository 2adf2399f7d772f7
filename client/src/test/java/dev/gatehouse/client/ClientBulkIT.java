package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.client.Bulk.ImportOptions;
import dev.gatehouse.client.Bulk.ImportResult;
import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.client.Members.NewMember;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export and import through the client: an organization exported as lines and to a stream, imported into another
 * organization of the same model from a stream and from a file, giving its members the same decisions; sent again
 * it changes nothing; a failing line arrives as a typed problem naming where to resume.
 */
class ClientBulkIT {

    private static TestNode node;
    private static GatehouseClient gatehouse;
    private static OrgClient source;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        gatehouse = DocsOrg.serviceClient(node, 100);
        source = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long editor = source.roles().create(DocsOrg.editor()).id();
        long viewer = source.roles().create(DocsOrg.viewer()).id();
        source.members().add(NewMember.internal("alice", "alice@example.com", editor));
        source.members().add(NewMember.internal("bob", "bob@example.com", viewer));
        source.assignments().assign(ResourceRef.of("doc", "d1"), MemberRef.user("bob"), editor);
        long sales = source.groups().create("Sales").id();
        source.groups().addMember(sales, MemberRef.user("bob"));
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        node.close();
    }

    @Test
    void exportImportedElsewhere_givesTheSameDecisions_andAgainChangesNothing(@TempDir Path dir) throws IOException {
        List<String> lines;
        try (Stream<String> exported = source.bulk().export()) {
            lines = exported.toList();
        }
        assertThat(lines.get(0)).contains("\"type\":\"header\"").contains("\"model\":\"docs\"");
        assertThat(lines).anyMatch(l -> l.contains("\"type\":\"assignment\"") && l.contains("\"d1\""));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long revision = source.bulk().exportTo(out);
        assertThat(revision).isPositive();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).isEqualTo(lines);

        OrgClient target = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        ImportResult first = target.bulk().importFrom(new ByteArrayInputStream(out.toByteArray()),
                ImportOptions.defaults().withChunkLines(2));
        assertThat(first.lines()).isEqualTo(lines.size());
        assertThat(first.committedLines()).isEqualTo(lines.size());
        assertThat(first.chunks()).isGreaterThan(1);
        assertThat(first.counts().get("role").created()).isEqualTo(2);
        assertThat(first.counts().get("member").created()).isEqualTo(2);
        assertThat(first.counts().get("assignment").created()).isEqualTo(1);
        assertThat(first.counts().get("group_member").created()).isEqualTo(1);
        assertThat(gatehouse.revision()).isGreaterThanOrEqualTo(first.revision());

        Check bobWrites = Check.of(MemberRef.user("bob"), "doc.write");
        assertThat(target.decisions().check(bobWrites.on("doc", "d1")).allowed()).isTrue();
        assertThat(target.decisions().check(bobWrites).allowed()).isFalse();
        assertThat(target.decisions().check(Check.of(MemberRef.user("alice"), "doc.write")).allowed()).isTrue();

        Path file = dir.resolve("org.ndjson");
        Files.write(file, lines);
        ImportResult again = target.bulk().importFrom(file);
        assertThat(again.counts().values()).allSatisfy(c -> {
            assertThat(c.created()).isZero();
            assertThat(c.updated()).isZero();
            assertThat(c.deleted()).isZero();
        });
    }

    /**
     * The counts come as the server sends them: every kind in its order, and {@code grants} with {@code kept} (a set
     * stored for a member whose company role takes no grants: a {@code rooms_v5} Agent's Manager flags), which no
     * other kind has. The client held four counts per kind, in hash order.
     */
    @Test
    void importCounts_keepTheServersKindsInOrder_andTheGrantsKept() {
        OrgClient target = gatehouse.org(gatehouse.organizations().create(Organizations.NewOrganization.of(
                "Classic " + System.nanoTime(), "rooms_v5")).organization().id());
        String lines = "{\"type\": \"member\", \"user_id\": \"ann\", \"email\": \"ann@example.com\", "
                + "\"role\": \"Agent\"}\n"
                + "{\"type\": \"grants\", \"user_id\": \"ann\", \"permissions\": [\"canDeleteCompanyRooms\"]}\n";
        ImportResult result = target.bulk().importFrom(
                new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), ImportOptions.defaults());
        assertThat(result.counts().keySet()).containsExactly("organization", "role", "member", "region", "office",
                "rooms_profile", "group", "group_member", "grants", "room", "room_user", "resource", "assignment");
        assertThat(result.counts().get("grants")).isEqualTo(new Bulk.Counts(1, 0, 0, 0, 1L));
        assertThat(result.counts().get("member")).isEqualTo(new Bulk.Counts(1, 0, 0, 0));
        assertThat(result.counts().get("member").kept()).isNull();
    }

    @Test
    void importedAssignments_areOneSummarizingEvent_whoseObjectsPageByThemselves() {
        OrgClient target = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long viewer = target.roles().create(DocsOrg.viewer()).id();
        target.members().add(NewMember.internal("cy", "cy@example.com", viewer));
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            lines.append("{\"type\": \"assignment\", \"resource\": {\"type\": \"doc\", \"id\": \"n").append(i)
                    .append("\"}, \"user_id\": \"cy\", \"role\": \"Viewer\"}\n");
        }
        ImportResult result = target.bulk().importFrom(
                new ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8)), ImportOptions.defaults());
        Events.Event summary = target.events().get(result.revision());
        assertThat(summary.objectType()).isEqualTo("bulk_import");
        List<Events.ImportedObject> objects;
        try (GatehouseClient smallPages = DocsOrg.serviceClient(node, 2)) {
            objects = smallPages.org(target.id()).events().objects(result.revision()).toList();
        }
        assertThat(objects).extracting(Events.ImportedObject::position).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(objects).allSatisfy(o -> {
            assertThat(o.objectType()).isEqualTo("assignment");
            assertThat(o.action()).isEqualTo("created");
            assertThat(o.before()).isNull();
            assertThat(o.after().get("role_id").asLong()).isEqualTo(viewer);
        });
        NotFoundException notSummary = catchThrowableOfType(NotFoundException.class,
                () -> target.events().objects(result.revision() - 1).toList());
        assertThat(notSummary.code()).isEqualTo("event_objects_not_found");
    }

    @Test
    void failingLine_isATypedProblemNamingWhereToResume(@TempDir Path dir) throws IOException {
        OrgClient target = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        Path file = dir.resolve("bad.ndjson");
        Files.write(file, List.of(
                "{\"type\": \"role\", \"name\": \"Reader\", \"permissions\": [\"doc.read\", \"records.all\"]}",
                "{\"type\": \"member\", \"user_id\": \"zed\", \"email\": \"zed@example.com\", \"role\": \"Nope\"}"));
        GatehouseException e = catchThrowableOfType(GatehouseException.class,
                () -> target.bulk().importFrom(file, ImportOptions.defaults().withChunkLines(1)));
        assertThat(e).isInstanceOf(InvalidInputException.class);
        assertThat(e.code()).isEqualTo("unknown_reference");
        assertThat(e.problem().get("line").asLong()).isEqualTo(2);
        assertThat(e.problem().get("resume_from_line").asLong()).isEqualTo(2);
        assertThat(target.roles().list().map(Roles.Role::name)).contains("Reader");
        assertThat(target.members().list().map(Members.Member::userId)).doesNotContain("zed");
    }

    /**
     * A named pipe given as the file is read as a stream, once: its lines are imported (the file's size, 0, was sent
     * as the body: nothing was imported and the import answered success). A directory is the caller's I/O, an
     * {@link java.io.UncheckedIOException} before anything is sent (it was a transport failure, retried).
     */
    @Test
    void aNamedPipe_isImportedAsAStream_andADirectoryIsTheCallersIo(@TempDir Path dir) throws Exception {
        OrgClient target = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        Path pipe = dir.resolve("lines.pipe");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
        Thread writer = new Thread(() -> {
            try {
                Files.writeString(pipe, "{\"type\": \"role\", \"name\": \"Piped\", "
                        + "\"permissions\": [\"doc.read\", \"records.all\"]}\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.setDaemon(true); // a reader that never opens the pipe would leave it blocked
        writer.start();
        ImportResult result = target.bulk().importFrom(pipe);
        assertThat(result.lines()).isEqualTo(1);
        writer.join();
        assertThat(result.counts().get("role").created()).isEqualTo(1);
        assertThat(target.roles().list().map(Roles.Role::name)).contains("Piped");

        java.io.UncheckedIOException refused = catchThrowableOfType(java.io.UncheckedIOException.class,
                () -> target.bulk().importFrom(dir));
        assertThat(refused).hasMessageContaining("it is a directory");
    }

    @Test
    void importWithProgress_handsOverEachCommittedChunk_thenTheResult_orTheFailingLine(@TempDir Path dir)
            throws IOException {
        OrgClient target = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        Path file = dir.resolve("three.ndjson");
        Files.write(file, List.of(
                "{\"type\": \"role\", \"name\": \"Reader\", \"permissions\": [\"doc.read\", \"records.all\"]}",
                "{\"type\": \"member\", \"user_id\": \"yan\", \"email\": \"yan@example.com\", \"role\": \"Reader\"}",
                "{\"type\": \"member\", \"user_id\": \"zoe\", \"email\": \"zoe@example.com\", \"role\": \"Reader\"}"));
        List<ImportResult> progress = new ArrayList<>();
        ImportResult result = target.bulk().importFrom(file, ImportOptions.defaults().withChunkLines(1), progress::add);
        assertThat(progress).extracting(ImportResult::committedLines).containsExactly(1L, 2L, 3L);
        assertThat(result.committedLines()).isEqualTo(3);
        assertThat(result.counts().get("member").created()).isEqualTo(2);
        assertThat(gatehouse.revision()).isGreaterThanOrEqualTo(result.revision());

        Path bad = dir.resolve("bad.ndjson");
        Files.write(bad, List.of(
                "{\"type\": \"member\", \"user_id\": \"amy\", \"email\": \"amy@example.com\", \"role\": \"Reader\"}",
                "{\"type\": \"member\", \"user_id\": \"ann\", \"email\": \"ann@example.com\", \"role\": \"Nope\"}"));
        List<ImportResult> before = new ArrayList<>();
        GatehouseException e = catchThrowableOfType(GatehouseException.class, () -> target.bulk().importFrom(
                new ByteArrayInputStream(Files.readAllBytes(bad)), ImportOptions.defaults().withChunkLines(1),
                before::add));
        assertThat(before).extracting(ImportResult::committedLines).containsExactly(1L);
        assertThat(e).isInstanceOf(InvalidInputException.class);
        assertThat(e.code()).isEqualTo("unknown_reference");
        assertThat(e.problem().get("resume_from_line").asLong()).isEqualTo(2);
    }

    @Test
    void failedImport_raisesTheSessionToTheRevisionItsCommittedChunksReached() {
        OrgClient target = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        long reader = target.roles().create(DocsOrg.viewer()).id();
        String lines = "{\"type\": \"member\", \"user_id\": \"max\", \"email\": \"max@example.com\", "
                + "\"role\": \"Viewer\"}\n"
                + "{\"type\": \"member\", \"user_id\": \"mia\", \"email\": \"mia@example.com\", \"role\": \"Nope\"}\n";
        for (boolean followed : new boolean[] {false, true}) {
            try (GatehouseClient fresh = DocsOrg.serviceClient(node, 100)) {
                Bulk bulk = fresh.org(target.id()).bulk();
                ByteArrayInputStream body = new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8));
                ImportOptions oneLineChunks = ImportOptions.defaults().withChunkLines(1);
                GatehouseException e = catchThrowableOfType(GatehouseException.class, () -> {
                    if (followed) {
                        bulk.importFrom(body, oneLineChunks, progress -> { });
                    } else {
                        bulk.importFrom(body, oneLineChunks);
                    }
                });
                assertThat(e.code()).isEqualTo("unknown_reference");
                assertThat(e.problem().get("committed_lines").asLong()).isEqualTo(1);
                long committed = e.problem().get("revision").asLong();
                assertThat(committed).isPositive();
                // the line that committed is a write of this session: a decision on any node must reflect it
                assertThat(fresh.revision()).as("followed: %s", followed).isGreaterThanOrEqualTo(committed);
                assertThat(fresh.org(target.id()).members().get(MemberRef.user("max")).roleId()).isEqualTo(reader);
            }
        }
    }
}
