package dev.gatehouse.cli;

import static dev.gatehouse.cli.Table.col;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.Organizations.CreatedOrganization;
import dev.gatehouse.client.Organizations.NewOrganization;
import dev.gatehouse.client.Organizations.Organization;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/** {@code gatehouse orgs list|get|create|delete}: the organizations (tenants). */
@Command(name = "orgs", mixinStandardHelpOptions = true, description = "List, show, create and delete organizations.",
        subcommands = {OrgsCommand.List.class, OrgsCommand.Get.class, OrgsCommand.Create.class,
                OrgsCommand.Delete.class})
final class OrgsCommand {

    static final Table.Columns<Organization> COLUMNS = Table.Columns.of(col("ID", Organization::id),
            col("NAME", Organization::name), col("MODEL", Organization::model), col("VERSION", Organization::version),
            col("CREATED_AT", Organization::createdAt));

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The organizations the key can see.")
    static final class List implements Callable<Integer> {

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            try (GatehouseClient gatehouse = connection.open()) {
                output.list(gatehouse.organizations().list().toList(), COLUMNS);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One organization.")
    static final class Get implements Callable<Integer> {

        @Parameters(paramLabel = "ORG", description = "the organization's id")
        long org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            try (GatehouseClient gatehouse = connection.open()) {
                output.one(gatehouse.organizations().get(org), COLUMNS);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an organization on a model (service key), optionally with its first admin, whose "
                    + "key is shown once.")
    static final class Create implements Callable<Integer> {

        @Option(names = "--name", required = true, description = "its name")
        String name;

        @Option(names = "--model", required = true, description = "the model's id, e.g. rooms or close")
        String model;

        @Option(names = "--admin-user", description = "the first admin's user id (with --admin-email)")
        String adminUser;

        @Option(names = "--admin-email", description = "the first admin's email")
        String adminEmail;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            if ((adminUser == null) != (adminEmail == null)) {
                throw new CliException("--admin-user and --admin-email go together");
            }
            NewOrganization organization = NewOrganization.of(name, model);
            if (adminUser != null) {
                organization = organization.withAdmin(adminUser, adminEmail);
            }
            try (GatehouseClient gatehouse = connection.open()) {
                CreatedOrganization created = gatehouse.organizations().create(organization);
                output.one(created, Create::answer, Table.Columns.of(col("ID", c -> c.organization().id()),
                        col("NAME", c -> c.organization().name()), col("MODEL", c -> c.organization().model()),
                        col("ADMIN_MEMBER_ID", c -> c.adminMember() == null ? null : c.adminMember().id()),
                        col("ADMIN_KEY", c -> c.adminKey() == null ? null : c.adminKey().key())));
            }
            return ExitCodes.OK;
        }

        /**
         * The organization as {@code POST /v1/orgs} answers it: its fields at the top, then {@code admin_member} and
         * {@code admin_key} when an admin was asked for (the key's id and secret, which is all the client keeps of it).
         * The client's record nests the organization, which written as it is moved every field a level down.
         */
        static ObjectNode answer(CreatedOrganization created) {
            ObjectNode answer = Output.JSON.valueToTree(created.organization());
            if (created.adminMember() != null) {
                answer.set("admin_member", Output.JSON.valueToTree(created.adminMember()));
            }
            if (created.adminKey() != null) {
                answer.set("admin_key", Output.JSON.valueToTree(created.adminKey()));
            }
            return answer;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an organization and everything in it (service key).")
    static final class Delete implements Callable<Integer> {

        @Parameters(paramLabel = "ORG", description = "the organization's id")
        long org;

        @Mixin
        Connection connection;

        @Override
        public Integer call() {
            try (GatehouseClient gatehouse = connection.open()) {
                gatehouse.organizations().delete(org);
            }
            Said.done(connection.spec, "deleted organization " + org);
            return ExitCodes.OK;
        }
    }
}
