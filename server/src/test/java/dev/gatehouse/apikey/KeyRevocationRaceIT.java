package dev.gatehouse.apikey;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key used for the first time while it is being revoked must not end up cached as valid: after the
 * revocation has been answered, the key is refused, however the two requests interleaved.
 */
class KeyRevocationRaceIT {

    @Test
    void revokedKeys_stayRevoked_evenWhenFirstUsedDuringTheRevocation() throws Exception {
        try (TestNode node = TestNode.start()) {
            var org = new Fixtures(node).org("close");
            String keys = org.path() + "/members/" + org.adminId() + "/keys";
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<String> stillValid = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    Http.Res created = node.service().post(keys, Map.of("name", "race " + i));
                    String id = created.get("id").stringValue();
                    Http key = node.as(created.get("key").stringValue());
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<Integer>> uses = new ArrayList<>();
                    for (int u = 0; u < 3; u++) {
                        uses.add(pool.submit(() -> {
                            go.await();
                            return key.get(org.path()).status();
                        }));
                    }
                    Future<Integer> revoke = pool.submit(() -> {
                        go.await();
                        return node.service().delete(keys + "/" + id).status();
                    });
                    go.countDown();
                    assertThat(revoke.get()).isEqualTo(204);
                    for (Future<Integer> use : uses) {
                        assertThat(use.get()).isIn(200, 401);
                    }
                    if (key.get(org.path()).status() != 401) {
                        stillValid.add(id);
                    }
                }
                assertThat(stillValid).as("keys accepted after their revocation was answered").isEmpty();
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
