package dev.gatehouse.group;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group's change-log rows cost the same whatever the group's size: renames carry no member list and member
 * changes only the member concerned. Sizes are the stored JSON of {@code before}, {@code after} and {@code delta}.
 */
class GroupChangeSizeIT {

    private static final int LARGE = 5000;
    /** The largest group one more member can join under the default members-per-group limit. */
    private static final int ALMOST_FULL = LARGE - 1;
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

    @Test
    void renameOfA5000MemberGroup_writesARowOfBoundedSize() {
        var org = fx.org("close");
        long group = groupWith(org, LARGE);
        assertThat(node.service().get(org.path() + "/groups/" + group).get("members")).hasSize(LARGE);

        Http.Res renamed = node.service().patch(org.path() + "/groups/" + group, Map.of("name", "Everyone renamed"));
        assertThat(renamed.status()).isEqualTo(200);

        assertThat(rowBytes(renamed.revision())).isLessThan(2048);
        assertThat(storedSize(renamed.revision())).isLessThan(2048);
    }

    @Test
    void memberAddAndRemove_writeRowsOfTheSameSize_inASmallAndA5000MemberGroup() {
        var org = fx.org("close");
        long small = groupWith(org, 1);
        long large = groupWith(org, ALMOST_FULL);
        long member = fx.member(org, "joiner", fx.roleId(org, "User"));

        long addSmall = node.service().post(org.path() + "/groups/" + small + "/members", Map.of("member_id", member)).revision();
        long addLarge = node.service().post(org.path() + "/groups/" + large + "/members", Map.of("member_id", member)).revision();
        long removeSmall = node.service().delete(org.path() + "/groups/" + small + "/members/" + member).revision();
        long removeLarge = node.service().delete(org.path() + "/groups/" + large + "/members/" + member).revision();

        // O(1) in the group's size: only the digits of the member count and the name differ
        assertThat(rowBytes(addLarge)).isLessThan(2048).isBetween(rowBytes(addSmall), rowBytes(addSmall) + 64);
        assertThat(rowBytes(removeLarge)).isLessThan(2048).isBetween(rowBytes(removeSmall), rowBytes(removeSmall) + 64);
    }

    /** A group holding {@code size} members, created through the API; the members are written in bulk. */
    private static long groupWith(Fixtures.Org org, int size) {
        long group = node.service().post(org.path() + "/groups", Map.of("name", "Everyone " + size + " " + System.nanoTime()))
                .get("id").longValue();
        long role = fx.roleId(org, "User");
        node.node().core().store().jdbi().useTransaction(h -> {
            h.createUpdate("INSERT INTO members (org_id, user_id, email, role_id, external, status, version, created_at, "
                            + "updated_at) SELECT :org, 'bulk-' || :group || '-' || n, 'bulk-' || :group || '-' || n "
                            + "|| '@example.com', :role, false, 'active', 1, now(), now() FROM generate_series(1, :size) n")
                    .bind("org", org.id()).bind("group", group).bind("role", role).bind("size", size).execute();
            h.createUpdate("INSERT INTO group_members (group_id, member_id, created_at) SELECT :group, id, now() "
                            + "FROM members WHERE org_id = :org AND user_id LIKE 'bulk-' || :group || '-%'")
                    .bind("group", group).bind("org", org.id()).execute();
        });
        return group;
    }

    /** The UTF-8 size of the row's documents as PostgreSQL prints them. */
    private static long rowBytes(long revision) {
        return node.node().core().store().read(h -> h.createQuery("SELECT coalesce(octet_length(before::text), 0) "
                        + "+ coalesce(octet_length(after::text), 0) + coalesce(octet_length(delta::text), 0) "
                        + "FROM change_log WHERE revision = :r AND object_type = 'group'")
                .bind("r", revision).mapTo(Long.class).one());
    }

    private static long storedSize(long revision) {
        return node.node().core().store().read(h -> h.createQuery("SELECT size_bytes FROM change_log WHERE revision = :r")
                .bind("r", revision).mapTo(Long.class).one());
    }
}
