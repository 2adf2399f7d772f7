package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.client.Keys.ApiKey;
import dev.gatehouse.client.Keys.IssuedKey;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replica keys through the client: issued for one organization, listed without their secret, read the change
 * stream as a replica of that organization, can do nothing else, and stop working once revoked.
 */
class ClientReplicaKeysIT {

    private static TestNode node;
    private static GatehouseClient gatehouse;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        gatehouse = DocsOrg.serviceClient(node, 1);
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        node.close();
    }

    @Test
    void aReplicaKey_readsItsOrganizationAsAReplica_andNothingElse_untilRevoked() throws Exception {
        long org = DocsOrg.create(gatehouse).organization().id();
        IssuedKey issued = gatehouse.replicaKeys().issue("edge cache", org);
        IssuedKey everything = gatehouse.replicaKeys().issue("everything", null);
        ApiKey listed = gatehouse.replicaKeys().list().filter(k -> k.id().equals(issued.id())).findFirst().orElseThrow();
        assertThat(listed.kind()).isEqualTo("replica");
        assertThat(listed.orgId()).isEqualTo(org);
        assertThat(listed.name()).isEqualTo("edge cache");
        assertThat(listed.revokedAt()).isNull();
        assertThat(gatehouse.replicaKeys().list().count()).as("paged one by one").isEqualTo(2);
        assertThat(gatehouse.replicaKeys().list().filter(k -> k.id().equals(everything.id())).findFirst()
                .orElseThrow().orgId()).as("a key of every organization belongs to none").isNull();

        try (GatehouseReplica replica = GatehouseReplica.builder().url(node.baseUrl()).key(issued.key()).org(org)
                .build()) {
            assertThat(replica.awaitRevision(node.appliedRevision(), Duration.ofSeconds(20))).isTrue();
        }
        try (GatehouseClient asReplica = GatehouseClient.builder().url(node.baseUrl()).key(issued.key()).build()) {
            ForbiddenException refused = catchThrowableOfType(ForbiddenException.class,
                    () -> asReplica.org(org).roles().list().toList());
            assertThat(refused.code()).isEqualTo("replica_key_read_only");
        }

        gatehouse.replicaKeys().revoke(issued.id());
        assertThat(gatehouse.replicaKeys().list().filter(k -> k.id().equals(issued.id())).findFirst().orElseThrow()
                .revokedAt()).isNotNull();
        try (GatehouseClient revoked = GatehouseClient.builder().url(node.baseUrl()).key(issued.key()).build()) {
            assertThat(catchThrowableOfType(UnauthenticatedException.class,
                    () -> revoked.org(org).roles().list().toList()).code()).isEqualTo("key_revoked");
        }
        // a replica that starts with a revoked key is told so by its first snapshot
        GatehouseReplica.Builder late = GatehouseReplica.builder().url(node.baseUrl()).key(issued.key()).org(org);
        assertThat(catchThrowableOfType(UnauthenticatedException.class, late::build).code()).isEqualTo("key_revoked");
    }

    /**
     * A replica whose key is revoked while it follows stops for good: the server ends its stream with a
     * {@code revoked} event, and the replica stops reconnecting (each attempt could only meet a 401), says why and
     * calls itself stale, so an application that falls back to the server on staleness meets the same refusal.
     */
    @Test
    void aReplicaWhoseKeyIsRevoked_stopsFollowing_andSaysWhy() throws Exception {
        long org = DocsOrg.create(gatehouse).organization().id();
        IssuedKey issued = gatehouse.replicaKeys().issue("revoked while following", org);
        try (GatehouseReplica replica = GatehouseReplica.builder().url(node.baseUrl()).key(issued.key()).org(org)
                .maxBackoff(Duration.ofMillis(200)).build()) {
            assertThat(replica.awaitRevision(node.appliedRevision(), Duration.ofSeconds(20))).isTrue();
            assertThat(replica.stoppedBy()).isEmpty();
            assertThat(replica.isStale()).isFalse();

            gatehouse.replicaKeys().revoke(issued.id());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (replica.stoppedBy().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(replica.stoppedBy()).get().isInstanceOf(UnauthenticatedException.class)
                    .extracting(e -> e.code()).isEqualTo("key_revoked");
            assertThat(replica.isStale()).isTrue();
            long reconnects = replica.reconnects();
            Thread.sleep(1_000);
            assertThat(replica.reconnects()).as("no more attempts").isEqualTo(reconnects);
        }
    }

    /**
     * A replica whose key of one organization is deleted with that organization applies the deletion before it
     * stops: the stream sends the change that removed the organization, then {@code revoked}, so the replica answers
     * 404 {@code organization_not_found} for it, as the server and a replica of every organization do, instead of
     * answering for the deleted organization's members forever. The key is deleted with the organization, and so
     * listed no more.
     */
    @Test
    void aReplicaOfAnOrganizationThatIsDeleted_removesIt_thenStops() throws Exception {
        Organizations.CreatedOrganization created = DocsOrg.create(gatehouse);
        long org = created.organization().id();
        IssuedKey issued = gatehouse.replicaKeys().issue("deleted with its organization", org);
        Decisions.Check adminReads = Decisions.Check.of(MemberRef.user("admin"), "doc.read");
        try (GatehouseReplica scoped = GatehouseReplica.builder().url(node.baseUrl()).key(issued.key()).org(org)
                .maxBackoff(Duration.ofMillis(200)).build();
             GatehouseReplica everyOrganization = GatehouseReplica.builder().url(node.baseUrl())
                     .key(TestNode.SERVICE_KEY).build()) {
            assertThat(scoped.awaitRevision(gatehouse.revision(), Duration.ofSeconds(20))).isTrue();
            assertThat(scoped.decisions(org).check(adminReads).allowed()).isTrue();

            gatehouse.organizations().delete(org);
            long deleted = gatehouse.revision();
            assertThat(everyOrganization.awaitRevision(deleted, Duration.ofSeconds(20))).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (scoped.stoppedBy().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(scoped.stoppedBy()).get().extracting(GatehouseException::code).isEqualTo("key_revoked");
            assertThat(scoped.revision()).as("the deletion was applied").isEqualTo(deleted);
            for (GatehouseReplica replica : List.of(scoped, everyOrganization)) {
                NotFoundException gone = catchThrowableOfType(NotFoundException.class,
                        () -> replica.decisions(org).check(adminReads));
                assertThat(gone).as("the deleted organization's member, asked of a replica").isNotNull();
                assertThat(gone.code()).isEqualTo("organization_not_found");
            }
        }
        assertThat(gatehouse.replicaKeys().list().map(ApiKey::id)).as("deleted with its organization")
                .doesNotContain(issued.id());
    }
}
