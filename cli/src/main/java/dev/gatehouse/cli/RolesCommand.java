package dev.gatehouse.cli;

import static dev.gatehouse.cli.Table.col;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.GatehouseException;
import dev.gatehouse.client.OrgClient;
import dev.gatehouse.client.Roles.Role;
import dev.gatehouse.client.Roles.RoleInput;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse roles list|get|create|update|delete}: an organization's roles. */
@Command(name = "roles", mixinStandardHelpOptions = true,
        description = "List, show, create, change and delete an organization's roles.",
        subcommands = {RolesCommand.List.class, RolesCommand.Get.class, RolesCommand.Create.class,
                RolesCommand.Update.class, RolesCommand.Delete.class})
final class RolesCommand {

    static final Table.Columns<Role> COLUMNS = columns(false);

    /** One role shown alone (get, create, update): the list's columns and its description, as its JSON holds it. */
    static final Table.Columns<Role> ONE = columns(true);

    /** A role's columns; its description after its name when {@code described}. */
    private static Table.Columns<Role> columns(boolean described) {
        java.util.List<Output.Column<Role>> columns = new ArrayList<>(java.util.List.of(col("ID", Role::id),
                col("NAME", Role::name)));
        if (described) {
            columns.add(col("DESCRIPTION", Role::description));
        }
        columns.addAll(java.util.List.of(col("KEY", Role::key), col("SYSTEM", Role::system),
                col("VERSION", Role::version), col("PERMISSIONS", Role::permissions),
                col("VISIBILITY", r -> r.visibility() == null ? null : VisibilityRule.describe(r.visibility()))));
        return new Table.Columns<>(columns);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every role, system roles first.")
    static final class List implements Callable<Integer> {

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            try (GatehouseClient gatehouse = connection.open()) {
                output.list(gatehouse.org(org.id).roles().list().toList(), COLUMNS);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One role.")
    static final class Get implements Callable<Integer> {

        @Parameters(paramLabel = "ROLE", description = "the role's id, name or (system roles) key")
        String role;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            try (GatehouseClient gatehouse = connection.open()) {
                output.one(Lookup.role(gatehouse.org(org.id), role), ONE);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a custom role.")
    static final class Create implements Callable<Integer> {

        @Option(names = "--name", required = true, description = "its name")
        String name;

        @MayBeEmpty
        @Option(names = "--description", description = "what it is for")
        String description;

        @MayBeEmpty
        @Option(names = {"-p", "--permission"}, paramLabel = "PERMISSION",
                description = "a permission it grants (repeat, or separate with commas)")
        java.util.List<String> permissions = new ArrayList<>();

        @Option(names = "--external", description = "an external role (models with external roles)")
        boolean external;

        @Mixin
        VisibilityOptions visibility;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            RoleInput input = RoleInput.of(name, Lookup.permissions(permissions));
            if (description != null) {
                input = input.withDescription(description);
            }
            if (external) {
                input = input.withExternal(true);
            }
            if (visibility.given()) {
                input = input.withVisibility(visibility.forNew());
            }
            try (GatehouseClient gatehouse = connection.open()) {
                output.one(gatehouse.org(org.id).roles().create(input), ONE);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a role: only what the options name changes.")
    static final class Update implements Callable<Integer> {

        @Parameters(paramLabel = "ROLE", description = "the role's id or name")
        String role;

        @Option(names = "--name", description = "a new name")
        String name;

        @MayBeEmpty
        @Option(names = "--description", description = "a new description")
        String description;

        @MayBeEmpty
        @Option(names = {"-p", "--permission"}, paramLabel = "PERMISSION",
                description = "the permissions it grants from now on, replacing its own (repeat, or commas)")
        java.util.List<String> permissions;

        @Option(names = "--add-permission", paramLabel = "PERMISSION", description = "a permission to add")
        java.util.List<String> add = new ArrayList<>();

        @Option(names = "--remove-permission", paramLabel = "PERMISSION", description = "a permission to remove")
        java.util.List<String> remove = new ArrayList<>();

        @Option(names = "--if-version", paramLabel = "VERSION",
                description = "change it only if it is still at this version (else exit 2, version_mismatch)")
        Long ifVersion;

        @Mixin
        VisibilityOptions visibility;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Mixin
        Output output;

        /** How many times a change made from the role as read is tried, when other writes keep moving the role. */
        static final int ATTEMPTS = 10;

        @Override
        public Integer call() throws InterruptedException {
            if (permissions != null && (!add.isEmpty() || !remove.isEmpty())) {
                throw new CliException("--permission replaces the permissions: give it, or --add-permission and "
                        + "--remove-permission, not both");
            }
            java.util.List<String> both = Lookup.permissions(add).stream()
                    .filter(Lookup.permissions(remove)::contains).toList();
            if (!both.isEmpty()) {
                throw new CliException("--add-permission and --remove-permission both name " + both);
            }
            if (name == null && description == null && permissions == null && add.isEmpty() && remove.isEmpty()
                    && !visibility.given()) {
                throw new CliException("nothing to change: give --name, --description, permissions or visibility");
            }
            try (GatehouseClient gatehouse = connection.open()) {
                OrgClient organization = gatehouse.org(org.id);
                for (int attempt = 1; ; attempt++) {
                    Role current = Lookup.role(organization, role);
                    try {
                        output.one(update(organization, current), ONE);
                        return ExitCodes.OK;
                    } catch (GatehouseException e) {
                        // the change was made from the role as read: another write in between is not overwritten,
                        // the change is made again from the role as it is now (unless --if-version pinned one)
                        if (ifVersion != null || !"version_mismatch".equals(e.code()) || attempt == ATTEMPTS) {
                            throw e;
                        }
                        // a short random pause, so that writers racing for the role do not meet again at once
                        Thread.sleep(ThreadLocalRandom.current().nextInt(10, 50));
                    }
                }
            }
        }

        /** The change the options make to {@code current}, sent only if the role is still at its version. */
        private Role update(OrgClient organization, Role current) {
            java.util.List<String> granted = null;
            if (permissions != null) {
                granted = Lookup.permissions(permissions);
            } else if (!add.isEmpty() || !remove.isEmpty()) {
                java.util.List<String> changed = new ArrayList<>(current.permissions());
                Lookup.permissions(add).stream().filter(p -> !changed.contains(p)).forEach(changed::add);
                changed.removeAll(Lookup.permissions(remove));
                granted = changed;
            }
            RoleInput changes = new RoleInput(name, description, granted, null, visibility.changed(current.visibility()));
            return RoleWrites.update(organization, current, changes, losesVisibility(organization, current, granted),
                    ifVersion != null ? ifVersion : current.version());
        }

        /**
         * Whether the role must lose its visibility: it has one, and gains the model's "sees all" permission
         * without the options naming a visibility (which the server would then refuse, saying why).
         */
        private boolean losesVisibility(OrgClient organization, Role current, java.util.List<String> granted) {
            if (current.visibility() == null || granted == null || visibility.given()) {
                return false;
            }
            VisibilityRule rule = ModelRules.of(organization).visibility();
            return rule != null && granted.contains(rule.seesAllPermission());
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a custom role nobody holds.")
    static final class Delete implements Callable<Integer> {

        @Parameters(paramLabel = "ROLE", description = "the role's id or name")
        String role;

        @Mixin
        OrgOption org;

        @Mixin
        Connection connection;

        @Override
        public Integer call() {
            try (GatehouseClient gatehouse = connection.open()) {
                OrgClient organization = gatehouse.org(org.id);
                Role found = Lookup.role(organization, role);
                organization.roles().delete(found.id());
                Said.done(connection.spec, "deleted role " + found.id() + " (" + found.name() + ")");
            }
            return ExitCodes.OK;
        }
    }
}
