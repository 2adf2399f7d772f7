package dev.gatehouse.cli;

import dev.gatehouse.app.Main;
import dev.gatehouse.client.GatehouseException;
import dev.gatehouse.client.Members.Status;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code gatehouse} command (docs/cli.md): {@code serve} runs a node (the server's own command, mounted as is);
 * every other command talks to a running deployment through the Java client.
 *
 * <p>The root holds what a run reads from its surroundings — the environment, standard input and whether standard
 * output and standard error are terminals — so that tests run every command in-process with their own. Exit codes
 * ({@link ExitCodes}): 0 success, 1 a negative answer (denied, changes pending, an import line refused), 2 an error.
 * Not thread-safe: one instance per run.
 */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "gatehouse 0.1.0",
        description = "Self-hosted, multi-tenant roles and permissions service: run a node, or manage and query one.",
        subcommands = {Main.Serve.class, OrgsCommand.class, RolesCommand.class, MembersCommand.class,
                AssignmentsCommand.class, CheckCommand.class, EventsCommand.class, ImportCommand.class,
                ExportCommand.class, ApplyCommand.class},
        footer = {"", "Exit codes: 0 success, 1 a negative answer (check denied, apply has pending changes, an import "
                + "line refused), 2 an error (usage, unreachable server, refused request).",
                "Server and key: --url/--key, else GATEHOUSE_URL/GATEHOUSE_KEY, else the config file (docs/cli.md)."})
public final class GatehouseCli implements Runnable {

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final InputStream stdin;
    private final boolean stdoutTerminal;
    private final boolean stderrTerminal;

    /**
     * A run with this environment and standard input, and whether standard output and error are terminals.
     */
    public GatehouseCli(Map<String, String> env, InputStream stdin, boolean stdoutTerminal, boolean stderrTerminal) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.stdoutTerminal = stdoutTerminal;
        this.stderrTerminal = stderrTerminal;
    }

    public static void main(String[] args) {
        // The launcher says which streams are terminals (test -t); run without it, a console means both are.
        boolean console = System.console() != null;
        GatehouseCli cli = new GatehouseCli(System.getenv(), System.in,
                terminal("gatehouse.stdout.terminal", console), terminal("gatehouse.stderr.terminal", console));
        CommandLine line = cli.commandLine();
        // Data is written in blocks, not a write per line; each command flushes when it is done or waits.
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16));
        line.setOut(out);
        int exit = line.execute(args);
        out.flush();
        System.exit(exit);
    }

    private static boolean terminal(String property, boolean fallback) {
        String value = System.getProperty(property);
        return value == null ? fallback : Boolean.parseBoolean(value);
    }

    /**
     * This run's command line, with the problem printing and exit codes of every command, its refusal of a value
     * given blank ({@link BlankValues}) and of an option given twice in one message ({@link RepeatedOptions}).
     */
    public CommandLine commandLine() {
        CommandLine line = new CommandLine(this);
        line.setExecutionExceptionHandler(GatehouseCli::failed);
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        line.setExecutionStrategy(parsed -> {
            BlankValues.refuse(parsed);
            return written(parsed, run.execute(parsed));
        });
        Main.Serve.shortUsageErrors(line);
        CommandLine.IParameterExceptionHandler usageErrors = line.getParameterExceptionHandler();
        line.setParameterExceptionHandler((failure, args) ->
                usageErrors.handleParseException(RepeatedOptions.plain(failure, args), args));
        line.setCaseInsensitiveEnumValuesAllowed(true);
        withVersion(line, line.getCommandSpec().version()); // every command's -V says it, not only the root's
        line.registerConverter(Status.class, text -> {
            try {
                return StatusText.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        return line;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command (gatehouse --help lists them)");
    }

    private static void withVersion(CommandLine line, String[] version) {
        for (CommandLine sub : line.getSubcommands().values()) {
            sub.getCommandSpec().version(version);
            withVersion(sub, version);
        }
    }

    /** The root of the command {@code spec} belongs to. */
    static GatehouseCli of(CommandSpec spec) {
        return (GatehouseCli) spec.root().userObject();
    }

    Map<String, String> env() {
        return env;
    }

    InputStream stdin() {
        return stdin;
    }

    boolean stdoutTerminal() {
        return stdoutTerminal;
    }

    boolean stderrTerminal() {
        return stderrTerminal;
    }

    /**
     * The exit code of a command that ran, once its standard output is flushed: a write that failed there (a pipe
     * closed early, a full disk, a file size limit) is exit 2 with a message, whatever the command answered — a
     * {@link PrintWriter} swallows the error, and a script would take a truncated list or export for a whole one.
     * A command that streams checks as it goes, stops, says so itself and exits 2; this adds nothing then.
     */
    private static int written(CommandLine.ParseResult parsed, int exit) {
        CommandLine root = parsed.commandSpec().commandLine();
        if (!root.getOut().checkError()) {
            return exit;
        }
        if (exit != ExitCodes.ERROR) {
            List<CommandLine> ran = parsed.asCommandLineList();
            PrintWriter err = root.getErr();
            err.println(ran.get(ran.size() - 1).getCommandSpec().qualifiedName() + ": standard output could not be "
                    + "written (closed early, a full disk, a file size limit): what it holds is incomplete");
            err.flush();
        }
        return ExitCodes.ERROR;
    }

    /** A command's failure: the server's problem (or what went wrong here) on standard error, exit 2. */
    private static int failed(Exception failure, CommandLine line, CommandLine.ParseResult parsed) {
        PrintWriter err = line.getErr();
        String name = line.getCommandSpec().qualifiedName();
        if (failure instanceof GatehouseException problem) {
            err.println(name + ": " + Problems.describe(problem));
        } else if (failure instanceof CliException | failure instanceof IllegalArgumentException
                | failure instanceof UncheckedIOException | failure instanceof IllegalStateException) {
            // one line: a message may quote what the server holds (a role's name) or what a file says
            err.println(name + ": " + Display.escaped(String.valueOf(failure.getMessage())));
        } else {
            err.println(name + ": unexpected error: " + Display.escaped(String.valueOf(failure)));
            failure.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.ERROR;
    }
}
