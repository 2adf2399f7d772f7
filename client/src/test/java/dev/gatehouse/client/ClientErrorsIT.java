package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.client.Members.NewMember;
import dev.gatehouse.client.Roles.RoleInput;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's problems arrive as the client's typed exceptions, with the status, the stable code, the detail and
 * the field errors of the problem document, and a refused write never raises the session's revision.
 */
class ClientErrorsIT {

    private static TestNode node;
    private static GatehouseClient gatehouse;
    private static OrgClient org;
    private static long viewer;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        gatehouse = DocsOrg.serviceClient(node, 100);
        org = gatehouse.org(DocsOrg.create(gatehouse).organization().id());
        viewer = org.roles().create(DocsOrg.viewer()).id();
        org.members().add(NewMember.internal("bob", "bob@example.com", viewer));
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        node.close();
    }

    @Test
    void missingObject_isNotFound() {
        NotFoundException e = catchThrowableOfType(NotFoundException.class, () -> org.roles().get(987654));
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isNotBlank();
        assertThat(e.detail()).isNotBlank();
        assertThat(e.getMessage()).contains("404").contains(e.code());
        assertThatThrownBy(() -> org.members().get(MemberRef.user("nobody"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void roleStillHeld_isAConflictWithItsCode() {
        ConflictException e = catchThrowableOfType(ConflictException.class, () -> org.roles().delete(viewer));
        assertThat(e.status()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("role_in_use");
        org.groups().create("Sales");
        assertThatThrownBy(() -> org.groups().create("SALES")).isInstanceOf(ConflictException.class);
    }

    @Test
    void invalidInput_carriesFieldErrors_andChangesNothing() {
        long before = gatehouse.revision();
        InvalidInputException tooLong = catchThrowableOfType(InvalidInputException.class,
                () -> org.decisions().check(Check.of(MemberRef.user("x".repeat(201)), "doc.read")));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.fieldErrors()).containsKey("user_id");
        assertThat(tooLong.problem().get("errors").get("user_id").stringValue())
                .isEqualTo(tooLong.fieldErrors().get("user_id"));

        InvalidInputException unknown = catchThrowableOfType(InvalidInputException.class,
                () -> org.roles().create(RoleInput.of("Bad", List.of("doc.read", "records.all", "no.such"))));
        assertThat(unknown.code()).isEqualTo("unknown_permission");
        assertThat(unknown.detail()).contains("no.such");
        assertThat(org.roles().list().map(Roles.Role::name)).doesNotContain("Bad");
        assertThat(gatehouse.revision()).isEqualTo(before);
    }

    @Test
    void unknownKey_isUnauthenticated() {
        try (GatehouseClient stranger = GatehouseClient.builder().url(node.baseUrl()).key("not-a-key").build()) {
            UnauthenticatedException e = catchThrowableOfType(UnauthenticatedException.class,
                    () -> stranger.org(org.id()).roles().list().toList());
            assertThat(e.status()).isEqualTo(401);
        }
    }

    @Test
    void memberWithoutManagementPermission_isForbidden() {
        Keys.IssuedKey key = org.keys().issue(MemberRef.user("bob"), null);
        try (GatehouseClient asBob = GatehouseClient.builder().url(node.baseUrl()).key(key.key()).build()) {
            ForbiddenException e = catchThrowableOfType(ForbiddenException.class,
                    () -> asBob.org(org.id()).roles().create(DocsOrg.editor()));
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.code()).isNotBlank();
        }
    }

    @Test
    void staleVersion_isPreconditionFailed() {
        Groups.Group group = org.groups().create("Support");
        org.groups().rename(group.id(), "Helpdesk", group.version());
        PreconditionFailedException e = catchThrowableOfType(PreconditionFailedException.class,
                () -> org.groups().rename(group.id(), "Service desk", group.version()));
        assertThat(e.status()).isEqualTo(412);
        assertThat(org.groups().get(group.id()).name()).isEqualTo("Helpdesk");
    }

    @Test
    void closedClient_refusesCalls() {
        GatehouseClient closed = DocsOrg.serviceClient(node, 10);
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.organizations().get(org.id())).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Calls racing {@code close()} end as a closed client's calls do (docs/client.md, "Threads"): they once threw the
     * JDK's {@link java.util.concurrent.RejectedExecutionException} ("rejected from ThreadPoolExecutor[Terminated]")
     * when they reached the HTTP client after its threads had stopped.
     */
    @Test
    void close_racingCalls_endThemAsAClosedClientDoes() throws Exception {
        List<Throwable> strays = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try {
            for (int round = 0; round < 30; round++) {
                GatehouseClient client = DocsOrg.serviceClient(node, 100);
                OrgClient racing = client.org(org.id());
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> calls = new ArrayList<>();
                for (int caller = 0; caller < 32; caller++) {
                    int which = caller % 3;
                    calls.add(callers.submit(() -> {
                        start.await();
                        for (int call = 0; call < 1_000; call++) {
                            try {
                                switch (which) {
                                    case 0 -> racing.roles().list().toList();
                                    case 1 -> racing.decisions().check(Check.of(MemberRef.user("bob"), "doc.read"));
                                    default -> racing.members().remove(MemberRef.user("nobody"));
                                }
                            } catch (IllegalStateException closed) {
                                return null;
                            } catch (NotFoundException expected) {
                                // the server's answer to the removal: the calls go on until the client is closed
                            } catch (GatehouseException failed) {
                                if (List.of(failed.getSuppressed()).stream()
                                        .noneMatch(IllegalStateException.class::isInstance)) {
                                    // a failure the closing caused, not a retry the closing stopped
                                    strays.add(failed);
                                }
                                return null;
                            } catch (RuntimeException stray) {
                                strays.add(stray);
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                // a new client's first requests are the slowest to reach the HTTP client: the widest race
                start.countDown();
                Thread.sleep(round % 11);
                client.close();
                for (Future<?> call : calls) {
                    call.get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(strays).as("exceptions a closed client does not throw").isEmpty();
    }
}
