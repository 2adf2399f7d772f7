package dev.gatehouse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;

/**
 * The usage error for an option of an argument group given twice ({@code import --org 6 FILE --org 6}) in the words
 * every other option given twice has ({@code option '--org' (ORG) should be specified only once}), in place of the
 * parser's account of the group's matches ({@code expected only one match but got (--org=ORG | --deployment)=…}).
 * Stateless.
 */
final class RepeatedOptions {

    private RepeatedOptions() {
    }

    /**
     * {@code failure}, or the plain error for the option of one of its command's argument groups that {@code args}
     * give more than once, when the parser refused the group for matching more than once.
     */
    static ParameterException plain(ParameterException failure, String[] args) {
        CommandLine line = failure.getCommandLine();
        if (!(failure instanceof CommandLine.MaxValuesExceededException) || line == null) {
            return failure;
        }
        for (ArgGroupSpec group : line.getCommandSpec().argGroups()) {
            for (OptionSpec option : group.allOptionsNested()) {
                if (given(option, args) > 1) {
                    return new OverwrittenOptionException(line, option, "option '" + option.longestName() + "'"
                            + (option.arity().max() > 0 ? " (" + option.paramLabel() + ")" : "")
                            + " should be specified only once");
                }
            }
        }
        return failure;
    }

    /** How many times {@code args} give {@code option}, by any of its names, before an end of options ({@code --}). */
    private static int given(OptionSpec option, String[] args) {
        int times = 0;
        for (String arg : args) {
            if ("--".equals(arg)) {
                break;
            }
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    times++;
                }
            }
        }
        return times;
    }
}
