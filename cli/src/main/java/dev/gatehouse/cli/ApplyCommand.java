package dev.gatehouse.cli;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.GatehouseException;
import dev.gatehouse.client.OrgClient;
import dev.gatehouse.client.Organizations.Organization;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code gatehouse apply -f FILE.yaml [--yes] [--prune]}: makes an organization's custom roles, members (their
 * company roles and status) and, where declared, their resource roles match a YAML file (docs/cli.md, "apply").
 * It always shows the plan first; without {@code --yes} it changes nothing and exits 1 when changes are pending, 0
 * when none are. The file is read and checked whole, and every reference in it resolved, before anything changes;
 * a second apply of the same file finds nothing to do. Objects the file does not declare are removed only with
 * {@code prune: true} in the file or {@code --prune}. The plan compares the file with what the key reads: one acting
 * as a member ({@link Connection.Target#actsAsMember}) may not read every role on a resource, and the plan says so.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Make an organization's roles and members match a YAML file: shows the plan, applies it with "
                + "--yes.", "Exit codes: 0 nothing to change (or applied), 1 changes pending (without --yes), 2 an "
                + "error (nothing changed unless it says what was applied)."})
final class ApplyCommand implements Callable<Integer> {

    /** What a plan read with a member's key may not show (docs/cli.md, "apply"). */
    static final String PARTIAL_READ = "Read with a member key: the plan compares the file with what that key may "
            + "read. A role on a resource hidden from it (on rooms, a room role with isHiddenInRoom) is planned as "
            + "missing, and prune leaves it; apply with a service key to compare with everything.";

    /** Why an assignment planned with a member's key may fail though the organization seems to lack it. */
    static final String HIDDEN_ASSIGNMENT = "the plan holds only the roles on resources this member key may read: "
            + "if the member holds this one hidden from the key, as a room role with isHiddenInRoom, it is planned as "
            + "missing on every run; apply with a service key";

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE.yaml",
            description = "the declarations (- for standard input); the format is in docs/cli.md")
    String file;

    @Option(names = "--org", paramLabel = "ORG", description = "the organization (else the file's org:)")
    Long org;

    @Option(names = "--prune", description = "also remove custom roles, members and (declared members') resource "
            + "roles the file does not declare (as prune: true does)")
    boolean prune;

    @Option(names = {"-y", "--yes"}, description = "apply the plan (without it, only show it)")
    boolean yes;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        ApplyFile declared = ApplyFile.parse(read(), source());
        long orgId = organization(declared);
        PrintWriter out = spec.commandLine().getOut();
        Connection.Target connected = connection.target();
        try (GatehouseClient gatehouse = connection.open(connected)) {
            OrgClient target = gatehouse.org(orgId);
            Organization organization = target.get();
            Plan plan = Plan.compute(target, declared, prune || declared.prune());
            String name = orgId + " (\"" + organization.name() + "\", model " + organization.model() + ")";
            plan.print(out, name);
            if (connected.actsAsMember()) {
                // the plan compares the file with what this key reads, which may be less than there is
                out.println(PARTIAL_READ);
                out.flush();
            }
            if (plan.changes().isEmpty()) {
                return ExitCodes.OK;
            }
            if (!yes) {
                Said.done(spec, "nothing changed; run again with --yes to apply this plan");
                return ExitCodes.NO;
            }
            AtomicInteger applied = new AtomicInteger();
            try {
                plan.apply(target, change -> applied.incrementAndGet());
            } catch (GatehouseException | CliException e) {
                // the file was checked whole, so this is a refusal only the server could see (a limit, a missing
                // resource, another writer): say exactly where the plan stopped
                int made = applied.get();
                int left = plan.changes().size() - made - 1;
                Plan.Change failed = plan.changes().get(made);
                spec.commandLine().getErr().println(spec.qualifiedName() + ": applied " + made + " of "
                        + Display.counted(plan.changes().size(), "change") + " (the plan's first " + made + "); "
                        + failed.action().sign
                        + " " + Display.escaped(failed.subject()) + " failed" + (left == 0 ? "" : ", and the " + left + " after it "
                        + "were not made") + ": " + (e instanceof GatehouseException g ? Problems.describe(g)
                        : Display.escaped(e.getMessage()))
                        + (connected.actsAsMember() && failed.assignment() && failed.action() == Plan.Action.CREATE
                        ? " (" + HIDDEN_ASSIGNMENT + ")" : ""));
                spec.commandLine().getErr().flush();
                return ExitCodes.ERROR;
            }
            // a confirmation of writes, like every other write's: standard output holds only the plan
            Said.done(spec, "applied: " + plan.count(Plan.Action.CREATE) + " created, "
                    + plan.count(Plan.Action.CHANGE) + " changed, " + plan.count(Plan.Action.REMOVE) + " removed");
            return ExitCodes.OK;
        }
    }

    private JsonNode read() {
        if ("-".equals(file)) {
            return Yaml.read(GatehouseCli.of(spec).stdin(), "standard input");
        }
        return Yaml.read(ReadableFile.require(file));
    }

    /** The file as messages name it. */
    private String source() {
        return "-".equals(file) ? "standard input" : file;
    }

    private long organization(ApplyFile declared) {
        if (org != null && declared.org() != null && !org.equals(declared.org())) {
            throw new CliException("--org " + org + " and the file's org: " + declared.org() + " differ");
        }
        Long id = org != null ? org : declared.org();
        if (id == null) {
            throw new CliException("name the organization: --org ORG, or org: in the file");
        }
        return id;
    }
}
