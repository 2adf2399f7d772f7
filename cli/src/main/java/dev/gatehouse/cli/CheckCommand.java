package dev.gatehouse.cli;

import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.client.Decisions.CheckResult;
import dev.gatehouse.client.Decisions.Explanation;
import dev.gatehouse.client.GatehouseClient;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse check --org ORG --user USER_ID --permission P [--resource TYPE:ID] [--explain]}: one decision.
 * Like {@code grep}, it exits 0 when allowed, 1 when denied and 2 on an error, so scripts can test it directly.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "May the member do the permission (on the resource)? Exits 0 allowed, 1 denied, 2 on an error.")
final class CheckCommand implements Callable<Integer> {

    @Mixin
    MemberOption member;

    @Option(names = "--permission", required = true, description = "the permission, e.g. canCreateRooms")
    String permission;

    @Option(names = "--resource", paramLabel = "TYPE:ID", description = "on this resource (else organization-wide)")
    String resource;

    @Option(names = "--explain", description = "also say which role decided and why")
    boolean explain;

    @Option(names = {"-q", "--quiet"}, description = "print nothing; the exit code answers")
    boolean quiet;

    @Mixin
    OrgOption org;

    @Mixin
    Connection connection;

    @Mixin
    Output output;

    @Override
    public Integer call() {
        Check check = Check.of(member.ref(), permission);
        if (resource != null) {
            check = check.on(Lookup.resource(resource));
        }
        CheckResult result;
        try (GatehouseClient gatehouse = connection.open()) {
            result = explain ? gatehouse.org(org.id).decisions().explain(check.explained())
                    : gatehouse.org(org.id).decisions().check(check);
        }
        if (!quiet) {
            print(result);
        }
        return result.allowed() ? ExitCodes.OK : ExitCodes.NO;
    }

    private void print(CheckResult result) {
        PrintWriter out = output.out();
        if (output.format() == Output.Format.JSON) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("allowed", result.allowed());
            shown.put("revision", result.revision());
            if (result.explanation() != null) {
                shown.put("explanation", result.explanation());
            }
            out.println(Output.JSON.writeValueAsString(shown));
        } else {
            out.println(result.allowed() ? "allowed" : "denied");
            Explanation why = result.explanation();
            if (why != null) {
                out.println("  path:   " + (why.path() == null ? "" : why.path().name().toLowerCase(Locale.ROOT)));
                out.println("  role:   " + (why.roleId() == null ? "(none)" : why.roleId()));
                out.println("  member: " + why.memberId());
                out.println("  reason: " + Display.escaped(why.reason()));
            }
        }
        out.flush();
    }
}
