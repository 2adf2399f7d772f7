package dev.gatehouse.member;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Plans;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Looking up many members of an organization at once — by ids, user ids or emails, as an import's run of member
 * lines does before adding them — reads only the members named, one index lookup per key, also when the table's
 * statistics are stale (autovacuum off here, as it is in effect during a first import: a new organization's
 * members are not in them). Before, the lookup by emails could be planned as a scan of the organization's members
 * testing each against the whole list: an import's second chunk of 5,000 members compared 5,000 × 5,000 emails.
 */
class MemberLookupIT {

    static final int MEMBERS = 5_000;

    static TestNode node;
    static Jdbi db;
    static long orgId;

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl());
        db = TestDatabase.jdbi(node.databaseUrl());
        db.useHandle(h -> h.execute("ALTER TABLE members SET (autovacuum_enabled = off)"));
        Fixtures.Populated w = new Fixtures(node).populated();
        orgId = w.org().id();
        db.useHandle(h -> h.createUpdate("INSERT INTO members (org_id, user_id, email, role_id, external, status, "
                        + "version, created_at, updated_at) SELECT :org, 'user-' || g, 'User-' || g || '@Lookup.test', "
                        + ":role, false, 'active', 1, now(), now() FROM generate_series(1, " + MEMBERS + ") g")
                .bind("org", orgId).bind("role", w.internalRole()).execute());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Keys 1 to 1,000 name members, 10,001 to 11,000 nobody. */
    static List<String> keys(String prefix, String suffix) {
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= 1_000; i++) {
            keys.add(prefix + i + suffix);
            keys.add(prefix + (10_000 + i) + suffix);
        }
        return keys;
    }

    static String array(List<?> values, String type) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(",", "'{", "}'::" + type + "[]"));
    }

    @Test
    void manyEmails_readOnlyTheMembersHoldingThem() throws Exception {
        List<String> emails = keys("user-", "@lookup.TEST");
        assertThat(Plans.rowsFiltered(node.databaseUrl(), MemberStore.BY_EMAILS, array(emails, "text") + ", " + orgId))
                .as("members read and discarded looking up %d emails", emails.size()).isZero();
        Map<String, Member> found = db.withHandle(h -> new MemberStore().findAllByEmail(h, orgId, emails));
        assertThat(found).hasSize(1_000).containsKeys("user-1@lookup.test", "user-1000@lookup.test");
    }

    @Test
    void manyUserIds_readOnlyTheMembersHoldingThem() throws Exception {
        List<String> userIds = keys("user-", "");
        assertThat(Plans.rowsFiltered(node.databaseUrl(), MemberStore.BY_USER_IDS, array(userIds, "text") + ", " + orgId))
                .as("members read and discarded looking up %d user ids", userIds.size()).isZero();
        List<Member> found = db.withHandle(h -> new MemberStore().findAllByUserId(h, orgId, userIds));
        assertThat(found).hasSize(1_000)
                .extracting(Member::userId).contains("user-1", "user-1000").doesNotContain("user-10001");
    }

    @Test
    void manyIds_readOnlyThoseMembers() throws Exception {
        List<Long> ids = db.withHandle(h -> h.createQuery("SELECT id FROM members WHERE org_id = :org AND user_id "
                + "LIKE 'user-%' ORDER BY id LIMIT 1000").bind("org", orgId).mapTo(Long.class).list());
        List<Long> named = new ArrayList<>(ids);
        ids.forEach(id -> named.add(id + 1_000_000));
        assertThat(Plans.rowsFiltered(node.databaseUrl(), MemberStore.BY_IDS, array(named, "bigint") + ", " + orgId))
                .as("members read and discarded looking up %d ids", named.size()).isZero();
        List<Member> found = db.withHandle(h -> new MemberStore().findAll(h, orgId, named));
        assertThat(found).extracting(Member::id)
                .containsExactlyElementsOf(ids);
    }
}
