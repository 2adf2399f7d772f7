package dev.gatehouse.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * Confirmations of writes that answer nothing to show: one line on standard error, so standard output stays data.
 * The line is {@link Display#escaped}: it may name what the server holds (a role's name), and a line feed in that
 * would print as a line of its own.
 */
final class Said {

    private Said() {
    }

    static void done(CommandSpec spec, String what) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + Display.escaped(what));
        spec.commandLine().getErr().flush();
    }
}
