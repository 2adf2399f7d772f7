package dev.gatehouse.cli;

import static dev.gatehouse.cli.Table.col;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.Members.MemberQuery;
import dev.gatehouse.client.Members.MemberUpdate;
import dev.gatehouse.client.Members.NewMember;
import dev.gatehouse.client.Members.Status;
import dev.gatehouse.client.OrgClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gatehouse members list|get|add|update|remove}: an organization's members. */
@Command(name = "members", mixinStandardHelpOptions = true,
        description = "List, show, add, change and remove an organization's members.",
        subcommands = {MembersCommand.List.class, MembersCommand.Get.class, MembersCommand.Add.class,
                MembersCommand.Update.class, MembersCommand.Remove.class})
final class MembersCommand {

    static final Table.Columns<Member> COLUMNS = Table.Columns.of(col("ID", Member::id),
            col("USER_ID", Member::userId), col("EMAIL", Member::email), col("ROLE_ID", Member::roleId),
            col("STATUS", m -> m.status() == null ? null : m.status().name().toLowerCase(java.util.Locale.ROOT)),
            col("EXTERNAL", Member::external), col("VERSION", Member::version));

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Members in id order.")
    static final class List implements Callable<Integer> {

        @Option(names = "--status", paramLabel = "active|invited|deactivated", description = "only these")
        Status status;

        @Option(names = "--role", paramLabel = "ROLE", description = "only holders of this company role (id or name)")
        String role;

        @Option(names = "--text", description = "only those whose user id, email or name contains this")
        String text;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            try (GatehouseClient gatehouse = connection.open()) {
                OrgClient organization = gatehouse.org(org.id);
                MemberQuery query = new MemberQuery(status, role == null ? null
                        : Lookup.role(organization, role).id(), text);
                output.list(organization.members().list(query).toList(), COLUMNS);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One member.")
    static final class Get implements Callable<Integer> {

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
            try (GatehouseClient gatehouse = connection.open()) {
                output.one(gatehouse.org(org.id).members().get(member.ref()), COLUMNS);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a member: internal with a company role (--role), or --external.")
    static final class Add implements Callable<Integer> {

        @Option(names = "--user", required = true, paramLabel = "USER_ID", description = "the product's user id")
        String userId;

        @Option(names = "--email", required = true, description = "its email")
        String email;

        @Option(names = "--role", paramLabel = "ROLE", description = "its company role (id or name)")
        String role;

        @Option(names = "--external", description = "an external member, without a company role")
        boolean external;

        @MayBeEmpty
        @Option(names = "--first-name", description = "first name")
        String firstName;

        @MayBeEmpty
        @Option(names = "--last-name", description = "last name")
        String lastName;

        @Option(names = "--invited", description = "added invited: allowed nothing until accepted")
        boolean invited;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            if ((role == null) == !external) {
                throw new CliException("give --role for an internal member or --external, one of them");
            }
            try (GatehouseClient gatehouse = connection.open()) {
                OrgClient organization = gatehouse.org(org.id);
                NewMember member = external ? NewMember.external(userId, email)
                        : NewMember.internal(userId, email, Lookup.role(organization, role).id());
                if (firstName != null || lastName != null) {
                    member = member.withName(firstName, lastName);
                }
                if (invited) {
                    member = member.invited();
                }
                output.one(organization.members().add(member), COLUMNS);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a member: only what the options name changes.")
    static final class Update implements Callable<Integer> {

        @Mixin
        MemberOption member;

        @Option(names = "--email", description = "a new email")
        String email;

        @Option(names = "--role", paramLabel = "ROLE", description = "a new company role (id or name)")
        String role;

        @Option(names = "--status", paramLabel = "active|deactivated",
                description = "deactivated revokes its keys; active accepts or reactivates")
        Status status;

        @MayBeEmpty
        @Option(names = "--first-name", description = "a new first name")
        String firstName;

        @MayBeEmpty
        @Option(names = "--last-name", description = "a new last name")
        String lastName;

        @Option(names = "--if-version", paramLabel = "VERSION", description = "only if it is still at this version")
        Long ifVersion;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            if (email == null && role == null && status == null && firstName == null && lastName == null) {
                throw new CliException("nothing to change: give --email, --role, --status or a name");
            }
            try (GatehouseClient gatehouse = connection.open()) {
                OrgClient organization = gatehouse.org(org.id);
                Long roleId = role == null ? null : Lookup.role(organization, role).id();
                MemberUpdate changes = new MemberUpdate(email, firstName, lastName, roleId, status);
                Member updated = ifVersion == null ? organization.members().update(member.ref(), changes)
                        : organization.members().update(member.ref(), changes, ifVersion);
                output.one(updated, COLUMNS);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a member, its resource roles and keys.")
    static final class Remove implements Callable<Integer> {

        @Mixin
        MemberOption member;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Override
        public Integer call() {
            try (GatehouseClient gatehouse = connection.open()) {
                gatehouse.org(org.id).members().remove(member.ref());
            }
            Said.done(connection.spec, "removed member " + Lookup.describe(member.ref()));
            return ExitCodes.OK;
        }
    }
}
