package dev.gatehouse.cli;

import static dev.gatehouse.cli.Table.col;

import dev.gatehouse.client.Assignments.Assignment;
import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.OrgClient;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gatehouse assignments list|set|remove}: members' roles on single resources. */
@Command(name = "assignments", mixinStandardHelpOptions = true,
        description = "List, set and remove members' roles on single resources.",
        subcommands = {AssignmentsCommand.List.class, AssignmentsCommand.Set.class, AssignmentsCommand.Remove.class})
final class AssignmentsCommand {

    static final Table.Columns<Assignment> COLUMNS = Table.Columns.of(
            col("RESOURCE", a -> a.resource().type() + ":" + a.resource().id()), col("MEMBER_ID", Assignment::memberId),
            col("ROLE_ID", Assignment::roleId), col("EXPIRES_AT", Assignment::expiresAt),
            col("UPDATED_AT", Assignment::updatedAt));

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Who holds which role on a resource (--resource), or a member's roles (--user/--member-id).")
    static final class List implements Callable<Integer> {

        @Option(names = "--resource", paramLabel = "TYPE:ID", description = "the resource, e.g. room:12")
        String resource;

        @Mixin
        MemberOption member;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            boolean byMember = member.userId != null || member.memberId != null;
            if ((resource == null) == !byMember) {
                throw new CliException("give --resource TYPE:ID or a member (--user/--member-id), one of them");
            }
            try (GatehouseClient gatehouse = connection.open()) {
                OrgClient organization = gatehouse.org(org.id);
                output.list(resource != null
                        ? organization.assignments().onResource(Lookup.resource(resource)).toList()
                        : organization.assignments().ofMember(member.ref()).toList(), COLUMNS);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Give a member a role on a resource, replacing any role it held there.")
    static final class Set implements Callable<Integer> {

        @Option(names = "--resource", required = true, paramLabel = "TYPE:ID", description = "the resource")
        String resource;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "the role (id or name)")
        String role;

        @Option(names = "--until", paramLabel = "INSTANT", description = "when it ends, e.g. 2027-01-31T00:00:00Z")
        String until;

        @Mixin
        MemberOption member;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            Instant expiresAt;
            try {
                expiresAt = until == null ? null : Instant.parse(until);
            } catch (DateTimeParseException e) {
                throw new CliException("--until must be an instant like 2027-01-31T00:00:00Z, got \"" + until + "\"");
            }
            try (GatehouseClient gatehouse = connection.open()) {
                OrgClient organization = gatehouse.org(org.id);
                output.one(organization.assignments().assign(Lookup.resource(resource), member.ref(),
                        Lookup.role(organization, role).id(), expiresAt), COLUMNS);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a member's role on a resource.")
    static final class Remove implements Callable<Integer> {

        @Option(names = "--resource", required = true, paramLabel = "TYPE:ID", description = "the resource")
        String resource;

        @Mixin
        MemberOption member;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Override
        public Integer call() {
            try (GatehouseClient gatehouse = connection.open()) {
                gatehouse.org(org.id).assignments().remove(Lookup.resource(resource), member.ref());
            }
            Said.done(connection.spec, "removed the role of " + Lookup.describe(member.ref()) + " on " + resource);
            return ExitCodes.OK;
        }
    }
}
