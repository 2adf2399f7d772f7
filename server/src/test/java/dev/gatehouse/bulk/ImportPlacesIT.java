package dev.gatehouse.bulk;

import dev.gatehouse.http.HttpSettings;
import dev.gatehouse.json.Json;
import dev.gatehouse.store.Store;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.OrgRowLock;
import dev.gatehouse.testing.RawHttp;
import dev.gatehouse.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node runs at most {@link ImportService#CONCURRENT} long imports at once; a small one (its body declared within
 * {@link ImportService#SMALL_BODY_BYTES}) takes no place among them. A long one holds its place only while its lines
 * arrive: each chunk's within the body deadline of its start. The imports of one organization run one at a time, and
 * an import's chunk waiting for its organization's lock (a deployment's chunk: for any it locks) holds up no other
 * organization's write.
 */
class ImportPlacesIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** An import whose body (chunked, so of no declared length) has begun and does not end yet. */
    private static RawHttp longImportInProgress(Fixtures.Org org) {
        return longImportInProgress(node, org);
    }

    private static RawHttp longImportInProgress(TestNode on, Fixtures.Org org) {
        RawHttp connection = RawHttp.connect(on.node().port());
        String line = "{\"type\":\"role\",\"name\":\"Long " + System.nanoTime() + "\",\"permissions\":[]}\n";
        connection.send("POST " + org.path() + "/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestNode.SERVICE_KEY + "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(line.length()) + "\r\n" + line + "\r\n");
        return connection;
    }

    private static RawHttp.Response smallImport(Fixtures.Org org, String body) {
        return smallImport(node, org, body);
    }

    private static RawHttp.Response smallImport(TestNode on, Fixtures.Org org, String body) {
        try (RawHttp connection = RawHttp.connect(on.node().port())) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            connection.send("POST " + org.path() + "/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TestNode.SERVICE_KEY + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n" + body);
            return connection.read(Duration.ofSeconds(20));
        }
    }

    @Test
    void twoLongImportsTakeTheirPlaces_aThirdIsRefused503_butASmallOneRuns() throws InterruptedException {
        // each of its own organization: the imports of one organization run one at a time
        Fixtures.Org[] orgs = {fx.org("rooms"), fx.org("rooms"), fx.org("rooms"), fx.org("rooms")};
        for (int attempt = 0; attempt < 20; attempt++) {
            RawHttp first = longImportInProgress(orgs[0]);
            RawHttp second = longImportInProgress(orgs[1]);
            try {
                Thread.sleep(300); // the two reach their imports (or are refused, and the attempt is made again)
                RawHttp.Response third;
                try (RawHttp connection = longImportInProgress(orgs[2])) {
                    connection.send("0\r\n\r\n");
                    third = connection.read(Duration.ofSeconds(20));
                }
                if (third.status() != 503) {
                    continue; // the third came first: it took a place the first or the second was refused
                }
                assertThat(Json.readTree(third.body()).get("code").stringValue()).isEqualTo("imports_busy");
                assertThat(third.header("Retry-After")).isEqualTo("1");

                RawHttp.Response small = smallImport(orgs[3], "{\"type\":\"role\",\"name\":\"Small\",\"permissions\":[]}\n");
                assertThat(small.status()).as(small.body()).isEqualTo(200);
                assertThat(Json.readTree(small.body()).get("lines").longValue()).isEqualTo(1);

                first.send("0\r\n\r\n");
                second.send("0\r\n\r\n");
                assertThat(first.read(Duration.ofSeconds(20)).status()).isEqualTo(200);
                assertThat(second.read(Duration.ofSeconds(20)).status()).isEqualTo(200);
                return;
            } finally {
                first.close();
                second.close();
            }
        }
        throw new AssertionError("two long imports never held both places");
    }

    /** A node whose bodies must arrive within a second (a streamed import's: each chunk's lines). */
    private static TestNode nodeWithBodyDeadline() {
        return TestNode.start(c -> c.withHttp(HttpSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(30))));
    }

    /** Opens a chunked import into {@code path} with {@code key}; {@link #chunk} sends its lines. */
    private static RawHttp chunkedImport(TestNode on, String path, String key) {
        return RawHttp.connect(on.node().port()).send("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                + "Bearer " + key + "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n");
    }

    private static void chunk(RawHttp connection, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        connection.send(Integer.toHexString(bytes.length) + "\r\n");
        connection.send(bytes);
        connection.send("\r\n");
    }

    /** Sends a blank line every 200 ms for {@code forMillis}, then ends the body. */
    private static void trickleBlankLines(RawHttp connection, long forMillis) throws InterruptedException {
        long end = System.nanoTime() + forMillis * 1_000_000;
        while (System.nanoTime() < end) {
            chunk(connection, "\n");
            Thread.sleep(200);
        }
        connection.send("0\r\n\r\n");
    }

    @Test
    void bodyTrickledByAMemberWithoutPermissions_endsAtTheChunkDeadline_408() throws InterruptedException {
        try (TestNode tight = nodeWithBodyDeadline()) {
            Fixtures.Org rooms = new Fixtures(tight).org("rooms");
            long external = new Fixtures(tight).external(rooms, "trickler");
            String key = tight.service().post(rooms.path() + "/members/" + external + "/keys", Map.of("name", "k"))
                    .json().get("key").stringValue();

            RawHttp.Response answer;
            try (RawHttp connection = chunkedImport(tight, rooms.path() + "/import", key)) {
                trickleBlankLines(connection, 3_000); // blank lines fill no chunk: the first is due after 1 s
                answer = connection.read(Duration.ofSeconds(30));
            }

            assertThat(answer.status()).as(answer.body()).isEqualTo(408);
            JsonNode problem = Json.readTree(answer.body());
            assertThat(problem.get("code").stringValue()).isEqualTo("request_timeout");
            assertThat(problem.get("line").longValue()).isBetween(2L, 14L);
            assertThat(problem.get("committed_lines").longValue()).isZero();
        }
    }

    /**
     * Only a caller that could write some line takes its organization's place: a member key holding none of the
     * model's management permissions, its body trickling blank lines, is refused a plain 403 before any line and holds
     * up no import of its organization meanwhile (two such bodies, each renewed before its deadline, once kept the
     * organization's own imports refused 503 {@code imports_busy}).
     */
    @Test
    void aMemberThatMayWriteNoLine_isRefusedBeforeItsFirstLine_andHoldsUpNoImportOfItsOrganization()
            throws Exception {
        Fixtures.Org org = fx.org("close");
        long onlooker = fx.member(org, "onlooker", fx.role(org, "Onlooker", List.of("view_all_leads")));
        String key = node.service().post(org.path() + "/members/" + onlooker + "/keys", Map.of("name", "k")).json()
                .get("key").stringValue();
        List<JsonNode> before = Bulk.export(node.service(), org.id());

        try (RawHttp connection = chunkedImport(node, org.path() + "/import", key)) {
            chunk(connection, "\n");
            Thread.sleep(300); // it reaches its import
            Http.Res adminImport = CompletableFuture.supplyAsync(() -> Bulk.importLines(node.service(), org.id(), "",
                    List.of(Bulk.role("Imported", List.of("view_all_leads"))))).get(10, TimeUnit.SECONDS);
            assertThat(adminImport.status()).as(adminImport.body()).isEqualTo(200);

            chunk(connection, "\n" + Bulk.role("Refused", List.of("view_all_leads")) + "\n");
            connection.send("0\r\n\r\n");
            RawHttp.Response refused = connection.read(Duration.ofSeconds(20));
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
            JsonNode problem = Json.readTree(refused.body());
            assertThat(problem.get("code").stringValue()).isEqualTo("permission_required");
            assertThat(problem.get("detail").stringValue()).startsWith("an import writes roles, members or "
                    + "assignments, which need the permission \"manage_organization\"");
            assertThat(problem.has("line")).as("a plain 403, no line's failure: %s", problem).isFalse();
        }
        List<JsonNode> after = Bulk.export(node.service(), org.id());
        assertThat(after).hasSize(before.size() + 1); // the service key's role, and nothing of the member's
        assertThat(node.service().get(org.path() + "/roles?limit=1000").body()).contains("\"Imported\"")
                .doesNotContain("\"Refused\"");
    }

    @Test
    void chunkNotFilledInTime_endsTheImport_committedChunksStay_andItResumesAtTheNextLine()
            throws InterruptedException {
        try (TestNode tight = nodeWithBodyDeadline()) {
            Fixtures.Org target = new Fixtures(tight).org("rooms");
            RawHttp.Response answer;
            try (RawHttp connection = chunkedImport(tight, target.path() + "/import?chunk_lines=2",
                    TestNode.SERVICE_KEY)) {
                chunk(connection, "{\"type\":\"group\",\"name\":\"Kept\"}\n{\"type\":\"group\",\"name\":\"Kept 2\"}\n"
                        + "{\"type\":\"group\",\"name\":\"Late\"}\n");
                trickleBlankLines(connection, 3_000);
                answer = connection.read(Duration.ofSeconds(30));
            }

            assertThat(answer.status()).as(answer.body()).isEqualTo(408);
            JsonNode problem = Json.readTree(answer.body());
            assertThat(problem.get("code").stringValue()).isEqualTo("request_timeout");
            assertThat(problem.get("detail").stringValue()).startsWith("line " + problem.get("line").longValue()
                    + ": the lines arrive too slowly");
            assertThat(problem.get("committed_lines").longValue()).isEqualTo(2);
            assertThat(problem.get("resume_from_line").longValue()).isEqualTo(3);
            Http.Res groups = tight.service().get(target.path() + "/groups");
            assertThat(groups.body()).contains("\"Kept\"", "\"Kept 2\"").doesNotContain("\"Late\"");
        }
    }

    /**
     * The deadline is judged as the body arrives, not once a line is whole: a line sent a byte at a time (each within
     * the idle timeout) ends the import once past it, and so does a body whose end comes late.
     */
    @Test
    void aLineSentAByteAtATime_orALateEndOfTheBody_endsTheImportAtTheDeadline() throws InterruptedException {
        try (TestNode tight = nodeWithBodyDeadline()) {
            Fixtures.Org target = new Fixtures(tight).org("rooms");
            RawHttp.Response slowLine;
            try (RawHttp connection = chunkedImport(tight, target.path() + "/import", TestNode.SERVICE_KEY)) {
                chunk(connection, "{\"type\":\"group\",\"name\":\"x");
                for (int i = 0; i < 15; i++) {
                    Thread.sleep(200);
                    chunk(connection, "x");
                }
                chunk(connection, "\"}\n");
                connection.send("0\r\n\r\n");
                slowLine = connection.read(Duration.ofSeconds(30));
            }
            assertThat(slowLine.status()).as(slowLine.body()).isEqualTo(408);
            assertThat(Json.readTree(slowLine.body()).get("line").longValue()).isEqualTo(1);

            RawHttp.Response lateEnd;
            try (RawHttp connection = chunkedImport(tight, target.path() + "/import", TestNode.SERVICE_KEY)) {
                chunk(connection, "{\"type\":\"group\",\"name\":\"Early\"}\n");
                Thread.sleep(2_000);
                connection.send("0\r\n\r\n");
                lateEnd = connection.read(Duration.ofSeconds(30));
            }
            assertThat(lateEnd.status()).as(lateEnd.body()).isEqualTo(408);
            assertThat(Json.readTree(lateEnd.body()).get("committed_lines").longValue()).isZero();
            assertThat(tight.service().get(target.path() + "/groups").body()).doesNotContain("\"Early\"");
        }
    }

    @Test
    void linesSentAsFastAsTheyCome_importWhateverTheirNumber_eachChunkInTime() {
        try (TestNode tight = nodeWithBodyDeadline()) {
            Fixtures.Org target = new Fixtures(tight).org("rooms");
            String line = "{\"type\":\"group\",\"name\":\"Many\"}\n";
            RawHttp.Response answer;
            try (RawHttp connection = chunkedImport(tight, target.path() + "/import?chunk_lines=1000",
                    TestNode.SERVICE_KEY)) {
                for (int i = 0; i < 30; i++) {
                    chunk(connection, line.repeat(1000));
                }
                connection.send("0\r\n\r\n");
                answer = connection.read(Duration.ofSeconds(60));
            }

            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            JsonNode result = Json.readTree(answer.body());
            assertThat(result.get("committed_lines").longValue()).isEqualTo(30_000);
            assertThat(result.get("chunks").longValue()).isEqualTo(30);
        }
    }

    @Test
    void aLongChunkWaitingForItsOrganizationsLock_holdsUpNoOtherOrganizationsWrite_norParksItsOwnInTheLanes()
            throws Exception {
        Fixtures.Org busy = fx.org("rooms");
        Fixtures.Org other = fx.org("rooms");
        Store store = node.node().core().store();
        assertThat(busy.admin().post(busy.path() + "/roles", Map.of("name", "Reader", "permissions", List.of()))
                .status()).isEqualTo(201);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i <= ImportService.SHARED_CHUNK_LINES; i++) { // a chunk too long to share a transaction
            lines.add(Bulk.member("long-" + i, "Reader"));
        }
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try (OrgRowLock lock = OrgRowLock.hold(node, busy.id())) {
            CompletableFuture<Http.Res> chunk = CompletableFuture.supplyAsync(
                    () -> Bulk.importLines(node.service(), busy.id(), "", lines), clients);
            Await.until(Duration.ofSeconds(20), "the long chunk waits for the lock", () -> lock.waiters() == 1);
            List<CompletableFuture<Http.Res>> own = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "Own " + i;
                own.add(CompletableFuture.supplyAsync(() -> busy.admin().post(busy.path() + "/roles",
                        Map.of("name", name, "permissions", List.of())), clients));
            }
            Thread.sleep(300); // they reach the write lanes

            Http.Res written = CompletableFuture.supplyAsync(() -> other.admin().post(other.path() + "/roles",
                    Map.of("name", "Elsewhere", "permissions", List.of())), clients).get(2, TimeUnit.SECONDS);
            assertThat(written.status()).as(written.body()).isEqualTo(201);
            assertThat(lock.waiters()).as("only the long chunk waits for the lock").isEqualTo(1);
            assertThat(store.waitingWrites()).as("the organization's writes, parked").isEqualTo(8);
            assertThat(own).noneMatch(CompletableFuture::isDone);

            lock.release();
            assertThat(chunk.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            for (CompletableFuture<Http.Res> write : own) {
                assertThat(write.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * A deployment's import chunk runs in a transaction of its own too, and takes the locks of the existing
     * organizations its lines name as it reaches them: the write lanes park each before the chunk takes its lock.
     */
    @Test
    void aDeploymentImportsChunkWaitingForAnOrganizationsLock_holdsUpNoOtherOrganizationsWrite_norParksItsOwn()
            throws Exception {
        Fixtures.Org busy = fx.org("rooms");
        Fixtures.Org other = fx.org("rooms");
        Store store = node.node().core().store();
        assertThat(busy.admin().post(busy.path() + "/roles", Map.of("name", "Reader", "permissions", List.of()))
                .status()).isEqualTo(201);
        List<String> lines = new ArrayList<>();
        lines.add(Bulk.line("type", "organization", "org_id", busy.id()));
        for (int i = 0; i <= ImportService.SHARED_CHUNK_LINES; i++) {
            lines.add(Bulk.member("deployment-" + i, "Reader"));
        }
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try (OrgRowLock lock = OrgRowLock.hold(node, busy.id())) {
            CompletableFuture<Http.Res> chunk = CompletableFuture.supplyAsync(() -> node.service().raw("POST",
                    "/v1/import", Bulk.body(lines), "application/x-ndjson"), clients);
            Await.until(Duration.ofSeconds(20), "the chunk waits for the lock", () -> lock.waiters() == 1);
            List<CompletableFuture<Http.Res>> own = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "Own " + i;
                own.add(CompletableFuture.supplyAsync(() -> busy.admin().post(busy.path() + "/roles",
                        Map.of("name", name, "permissions", List.of())), clients));
            }
            // sent with them, so that a lane would take it into a batch with some of them
            Http.Res beside = CompletableFuture.supplyAsync(() -> other.admin().post(other.path() + "/roles",
                    Map.of("name", "Beside", "permissions", List.of())), clients).get(2, TimeUnit.SECONDS);
            assertThat(beside.status()).as(beside.body()).isEqualTo(201);
            Thread.sleep(300); // they reach the write lanes

            Http.Res written = CompletableFuture.supplyAsync(() -> other.admin().post(other.path() + "/roles",
                    Map.of("name", "Elsewhere", "permissions", List.of())), clients).get(2, TimeUnit.SECONDS);
            assertThat(written.status()).as(written.body()).isEqualTo(201);
            assertThat(lock.waiters()).as("only the chunk waits for the lock").isEqualTo(1);
            assertThat(store.waitingWrites()).as("the organization's writes, parked").isEqualTo(8);
            assertThat(own).noneMatch(CompletableFuture::isDone);

            lock.release();
            Http.Res imported = chunk.get(30, TimeUnit.SECONDS);
            assertThat(imported.status()).as(imported.body()).isEqualTo(200);
            for (CompletableFuture<Http.Res> write : own) {
                assertThat(write.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void smallImportsOfOneOrganization_runOneAtATime_andHoldUpNoOtherOrganizationsWrite() throws Exception {
        Fixtures.Org busy = fx.org("rooms");
        Fixtures.Org other = fx.org("rooms");
        assertThat(busy.admin().post(busy.path() + "/roles", Map.of("name", "Reader", "permissions", List.of()))
                .status()).isEqualTo(201);
        ExecutorService clients = Executors.newFixedThreadPool(11);
        try (OrgRowLock lock = OrgRowLock.hold(node, busy.id())) {
            List<CompletableFuture<Http.Res>> imports = new ArrayList<>();
            for (int n = 0; n < 10; n++) {
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 600; i++) { // one chunk, short enough to share a transaction
                    lines.add(Bulk.member("small-" + n + "-" + i, "Reader"));
                }
                imports.add(CompletableFuture.supplyAsync(
                        () -> Bulk.importLines(node.service(), busy.id(), "chunk_lines=2000", lines), clients));
            }
            Await.until(Duration.ofSeconds(20), "a chunk waits for the lock", () -> lock.waiters() >= 1);
            Thread.sleep(300); // the other imports arrive meanwhile

            Http.Res written = CompletableFuture.supplyAsync(() -> other.admin().post(other.path() + "/roles",
                    Map.of("name", "Elsewhere", "permissions", List.of())), clients).get(2, TimeUnit.SECONDS);
            assertThat(written.status()).as(written.body()).isEqualTo(201);
            assertThat(lock.waiters()).as("one import of the organization at a time").isEqualTo(1);

            lock.release();
            for (CompletableFuture<Http.Res> done : imports) {
                Http.Res res = done.get(30, TimeUnit.SECONDS);
                assertThat(res.status()).as(res.body()).isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** Threads of this process waiting in {@link ImportService} for their organization's turn. */
    private static long importsWaitingForTheirOrganization() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey().getState() == Thread.State.TIMED_WAITING)
                .filter(thread -> Arrays.stream(thread.getValue()).anyMatch(frame -> frame.getClassName()
                        .equals(ImportService.class.getName()) && frame.getMethodName().equals("awaitOrganization")))
                .count();
    }

    /** Whether a thread of this process runs an import's lines (has taken its organization's turn). */
    private static boolean anImportRuns() {
        return Thread.getAllStackTraces().values().stream().anyMatch(frames -> Arrays.stream(frames).anyMatch(frame ->
                frame.getClassName().equals(ImportService.class.getName() + "$Run")
                        && frame.getMethodName().equals("run")));
    }

    /**
     * The imports of one organization take their turns in the order they arrived: each waits only for those that
     * arrived before it (woken all at once, the waiting ones once took the turn in any order, and one arriving later
     * could take it before them, so that an import could be refused 503 {@code imports_busy} after 30 s of others').
     */
    @Test
    void importsOfOneOrganization_takeTheirTurnsInTheOrderTheyArrived() throws Exception {
        Fixtures.Org org = fx.org("rooms");
        int waiting = 8;
        ExecutorService clients = Executors.newFixedThreadPool(waiting);
        try (RawHttp first = longImportInProgress(org)) {
            Await.until(Duration.ofSeconds(20), "the first import runs", ImportPlacesIT::anImportRuns);
            List<CompletableFuture<RawHttp.Response>> queued = new ArrayList<>();
            for (int i = 0; i < waiting; i++) {
                String body = Bulk.role("Queued " + i, List.of()) + "\n";
                queued.add(CompletableFuture.supplyAsync(() -> smallImport(org, body), clients));
                int arrived = i + 1;
                Await.until(Duration.ofSeconds(20), arrived + " imports wait for their turn",
                        () -> importsWaitingForTheirOrganization() == arrived);
            }

            first.send("0\r\n\r\n");
            assertThat(first.read(Duration.ofSeconds(20)).status()).isEqualTo(200);
            List<Long> revisions = new ArrayList<>();
            for (CompletableFuture<RawHttp.Response> done : queued) {
                RawHttp.Response answer = done.get(30, TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                revisions.add(Json.readTree(answer.body()).get("revision").longValue());
            }
            assertThat(revisions).as("the revisions of the imports, in the order they arrived").isSorted()
                    .doesNotHaveDuplicates();
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * A waiting import holds a request thread: at most {@link ImportService#MAX_WAITING_PER_ORGANIZATION} of one
     * organization wait at once, and one more is refused at once with 503 {@code imports_busy}, writing nothing. A
     * member of a {@code rooms} organization (which may write some line) held every request thread of a node with
     * imports that waited behind one whose body never ended, for 30 s at a time.
     */
    @Test
    void importsBeyondThoseThatMayWait_areRefusedAtOnce_holdingNoRequestThread() throws Exception {
        Fixtures.Org org = fx.org("rooms");
        int waiting = ImportService.MAX_WAITING_PER_ORGANIZATION;
        ExecutorService clients = Executors.newFixedThreadPool(waiting);
        try (RawHttp first = longImportInProgress(org)) {
            Await.until(Duration.ofSeconds(20), "the first import runs", ImportPlacesIT::anImportRuns);
            List<CompletableFuture<RawHttp.Response>> queued = new ArrayList<>();
            for (int i = 0; i < waiting; i++) {
                String body = Bulk.role("Waiting " + i, List.of()) + "\n";
                queued.add(CompletableFuture.supplyAsync(() -> smallImport(org, body), clients));
            }
            Await.until(Duration.ofSeconds(20), waiting + " imports wait for their turn",
                    () -> importsWaitingForTheirOrganization() == waiting);

            long started = System.nanoTime();
            RawHttp.Response refused = smallImport(org, Bulk.role("One more", List.of()) + "\n");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused at once")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            JsonNode problem = Json.readTree(refused.body());
            assertThat(problem.get("code").stringValue()).isEqualTo("imports_busy");
            assertThat(problem.get("detail").stringValue()).contains("wait for their turn already");

            first.send("0\r\n\r\n");
            assertThat(first.read(Duration.ofSeconds(20)).status()).isEqualTo(200);
            for (CompletableFuture<RawHttp.Response> done : queued) {
                RawHttp.Response answer = done.get(30, TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            }
            assertThat(node.service().get(org.path() + "/roles").body()).doesNotContain("One more");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void importsWaitingForTheirTurn_areRefused503NodeStopping_onceTheNodeStops() throws Exception {
        try (TestNode stopping = TestNode.start()) {
            Fixtures.Org org = new Fixtures(stopping).org("rooms");
            ExecutorService clients = Executors.newFixedThreadPool(2);
            try (RawHttp first = longImportInProgress(stopping, org)) {
                Await.until(Duration.ofSeconds(20), "the first import runs", ImportPlacesIT::anImportRuns);
                List<CompletableFuture<RawHttp.Response>> queued = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    String body = Bulk.role("Queued " + i, List.of()) + "\n";
                    queued.add(CompletableFuture.supplyAsync(() -> smallImport(stopping, org, body), clients));
                    int arrived = i + 1;
                    Await.until(Duration.ofSeconds(20), arrived + " imports wait for their turn",
                            () -> importsWaitingForTheirOrganization() == arrived);
                }

                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> stopping.node().close());
                for (CompletableFuture<RawHttp.Response> done : queued) {
                    RawHttp.Response refused = done.get(10, TimeUnit.SECONDS); // while the first still holds its turn
                    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                    assertThat(Json.readTree(refused.body()).get("code").stringValue()).isEqualTo("node_stopping");
                }
                first.send("0\r\n\r\n");
                first.read(Duration.ofSeconds(20));
                stopped.get(30, TimeUnit.SECONDS);
            } finally {
                clients.shutdownNow();
            }
        }
    }
}
