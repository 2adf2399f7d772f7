package dev.gatehouse.cli;

import dev.gatehouse.app.Main;
import java.lang.reflect.AnnotatedElement;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The command line's rule for values given empty or blank: refused, naming the option or argument, before the
 * command runs and sends anything — {@code --user ""} or {@code --key "$MEMBER_KEY"} with the variable unset is a
 * mistake, never a value to pass on (the client or the server would name its own parameter, {@code userId} or
 * {@code q}, which the user never typed) nor an option left out. An option marked {@link MayBeEmpty} is let through,
 * and so is {@code serve}, whose options are the server's own. Stateless.
 */
final class BlankValues {

    private BlankValues() {
    }

    /** A {@link ParameterException} (exit 2) for the first option or argument of the run given blank. */
    static void refuse(ParseResult parsed) {
        for (ParseResult command = parsed; command != null; command = command.subcommand()) {
            if (command.commandSpec().userObject() instanceof Main.Serve) {
                return;
            }
            for (OptionSpec option : command.matchedOptions()) {
                check(command, option, option.longestName());
            }
            for (ArgSpec argument : command.matchedPositionals()) {
                check(command, argument, argument.paramLabel());
            }
        }
    }

    private static void check(ParseResult command, ArgSpec argument, String name) {
        if (argument.userObject() instanceof AnnotatedElement field && field.isAnnotationPresent(MayBeEmpty.class)) {
            return;
        }
        for (String value : argument.originalStringValues()) {
            if (value.isBlank()) {
                throw new ParameterException(command.commandSpec().commandLine(), name
                        + (value.isEmpty() ? " is empty" : " is blank") + "; give it a value"
                        + (argument.required() ? "" : ", or leave it out"), argument, value);
            }
        }
    }
}
