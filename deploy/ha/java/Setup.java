import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The organization the failover load works in: on the built-in {@code rooms} model, a role Agent (with
 * {@link FailoverLoad#PERMISSION}) and a role Viewer (without), and members {@code check-0..n-1}, the even
 * ones Agents, so that every check has a known answer; {@code adminKey} is the key of the organization's first
 * admin, which the load never uses (the probes use it as a key no node has cached yet). Immutable.
 */
record Setup(long org, long agent, long viewer, long revision, String adminKey) {

    private static final Pattern ADMIN_KEY = Pattern.compile("\"admin_key\"\\s*:\\s*\\{[^}]*\"key\"\\s*:\\s*\"([^\"]+)\"");

    static boolean allowed(int checkMember) {
        return checkMember % 2 == 0;
    }

    String path(String suffix) {
        return "/v1/orgs/" + org + suffix;
    }

    static Setup create(Api api, Api.Node node, int checkMembers) {
        Duration timeout = Duration.ofSeconds(30);
        Api.Reply org = expect(api.post(node, "/v1/orgs", "{\"name\":\"Failover " + System.currentTimeMillis()
                + "\",\"model\":\"rooms\",\"admin\":{\"user_id\":\"ha-admin\",\"email\":\"ha-admin@ha.test\"}}", timeout));
        long orgId = Api.number(org.body(), "id").orElseThrow();
        String base = "/v1/orgs/" + orgId;
        long agent = Api.number(expect(api.post(node, base + "/roles", "{\"name\":\"Agent\",\"permissions\":[\""
                + FailoverLoad.PERMISSION + "\",\"canViewRoomDetails\"]}", timeout)).body(), "id").orElseThrow();
        long viewer = Api.number(expect(api.post(node, base + "/roles",
                "{\"name\":\"Viewer\",\"permissions\":[\"canViewRoomDetails\"]}", timeout)).body(), "id").orElseThrow();
        long revision = 0;
        for (int i = 0; i < checkMembers; i++) {
            Api.Reply member = expect(api.post(node, base + "/members", "{\"user_id\":\"check-" + i
                    + "\",\"email\":\"check-" + i + "@ha.test\",\"role_id\":" + (allowed(i) ? agent : viewer) + "}", timeout));
            revision = Long.parseLong(member.header("Gatehouse-Revision").orElseThrow());
        }
        Matcher key = ADMIN_KEY.matcher(org.body());
        if (!key.find()) {
            throw new IllegalStateException("no admin key in " + org.body());
        }
        return new Setup(orgId, agent, viewer, revision, key.group(1));
    }

    /** Waits until every node has applied the setup. */
    void awaitEverywhere(Api api, List<Api.Node> nodes, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Api.Node node : nodes) {
            while (Api.number(api.get(node, "/readyz", Duration.ofSeconds(5)).body(), "revision").orElse(0L) < revision) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + node.name() + " did not reach revision " + revision);
                }
                FailoverLoad.pause(100);
            }
        }
    }

    void save(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("org", String.valueOf(org));
        p.setProperty("agent", String.valueOf(agent));
        p.setProperty("viewer", String.valueOf(viewer));
        p.setProperty("revision", String.valueOf(revision));
        p.setProperty("admin_key", adminKey);
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "failover load organization");
        }
    }

    static Setup load(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return new Setup(Long.parseLong(p.getProperty("org")), Long.parseLong(p.getProperty("agent")),
                Long.parseLong(p.getProperty("viewer")), Long.parseLong(p.getProperty("revision")),
                p.getProperty("admin_key"));
    }

    private static Api.Reply expect(Api.Reply reply) {
        if (reply.status() / 100 != 2) {
            throw new IllegalStateException("setup request failed: " + reply.outcome() + " " + reply.body());
        }
        return reply;
    }
}
