package dev.gatehouse.cli;

import picocli.CommandLine.Model.CommandSpec;

/** Confirmations of writes that answer nothing to show: one line on standard error, so standard output stays data. */
final class Said {

    private Said() {
    }

    static void done(CommandSpec spec, String what) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + what);
        spec.commandLine().getErr().flush();
    }
}
