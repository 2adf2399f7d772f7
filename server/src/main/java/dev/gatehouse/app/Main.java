package dev.gatehouse.app;

import ch.qos.logback.classic.Level;
import dev.gatehouse.http.close.RateLimit;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The server jar's command line: {@code serve}. The full {@code gatehouse} command (the cli module, docs/cli.md)
 * mounts {@link Serve} beside its client commands.
 */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "gatehouse 0.1.0",
        description = "Self-hosted, multi-tenant roles and permissions service.",
        subcommands = {Main.Serve.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        CommandLine line = new CommandLine(new Main());
        Serve.shortUsageErrors(line);
        System.exit(line.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** {@code gatehouse serve}: starts a node and runs until SIGTERM or SIGINT. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the server.")
    public static final class Serve implements Callable<Integer> {

        /** The environment variable an option's description names. */
        private static final Pattern ENVIRONMENT_VARIABLE = Pattern.compile("GATEHOUSE_[A-Z0-9_]+");
        /** The option a refusal of a value names first, as each of {@link Config}'s and the settings' does. */
        private static final Pattern LEADING_OPTION = Pattern.compile("^--[a-z0-9-]+");
        /** The end of a refusal quoting a duration as {@link Duration#toString()} writes it. */
        private static final Pattern GOT_DURATION = Pattern.compile(", got (P[0-9A-Z.]+)$");

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--port", defaultValue = "${env:GATEHOUSE_PORT:-8080}", description = "HTTP port (GATEHOUSE_PORT, default 8080)")
        int port;

        @Option(names = "--host", defaultValue = "${env:GATEHOUSE_HOST:-0.0.0.0}", description = "address to listen on (GATEHOUSE_HOST, default 0.0.0.0)")
        String host;

        // given empty, as an option or GATEHOUSE_DATA_DIR, it is refused (Config): earlier versions took it for the
        // working directory, where their database may be, and ./data in its place would start an empty deployment
        @Option(names = "--data-dir", defaultValue = "${env:GATEHOUSE_DATA_DIR:-data}", description = "embedded database and generated files (GATEHOUSE_DATA_DIR, default ./data)")
        Path dataDir;

        @Option(names = "--service-key", defaultValue = "${env:GATEHOUSE_SERVICE_KEY}", description = "use this service key instead of generating one (GATEHOUSE_SERVICE_KEY)")
        String serviceKey;

        @Option(names = "--previous-service-key", defaultValue = "${env:GATEHOUSE_PREVIOUS_SERVICE_KEY}", description = "while rotating the service key: the key the nodes rotate from, accepted beside --service-key until every node runs the new one (GATEHOUSE_PREVIOUS_SERVICE_KEY)")
        String previousServiceKey;

        @Option(names = "--log-level", defaultValue = "${env:GATEHOUSE_LOG_LEVEL:-INFO}", description = "TRACE, DEBUG, INFO, WARN or ERROR (GATEHOUSE_LOG_LEVEL, default INFO)")
        String logLevel;

        @Option(names = "--close-rate-limit", defaultValue = "${env:GATEHOUSE_CLOSE_RATE_LIMIT:-100/1}", description = "Close API requests per member (all its keys together) and endpoint group: <requests> per second or <requests>/<seconds> (GATEHOUSE_CLOSE_RATE_LIMIT, default 100/1)")
        String closeRateLimit;

        // an action of one start, not a setting: no environment variable, which would stay set and give the
        // deployment another id at every start
        @Option(names = "--new-deployment-id", description = "after restoring a backup: give the deployment a new id at this start, before the node serves, so that followers of the original's history load a fresh snapshot; refused while other nodes run on the database (docs/deployment.md, \"Backing up\"; no environment variable)")
        boolean newDeploymentId;

        @CommandLine.Mixin
        HttpOptions http;

        @CommandLine.Mixin
        TlsOptions tls;

        @CommandLine.Mixin
        DatabaseOptions database;

        @CommandLine.Mixin
        ChangeLogOptions changeLog;

        @CommandLine.Mixin
        WebhookOptions webhooks;

        @CommandLine.Mixin
        LimitOptions limits;

        @CommandLine.Mixin
        OidcOptions oidc;

        @CommandLine.Mixin
        PreviewOptions previews;

        /**
         * Makes a bad option of {@code serve} anywhere under {@code root} one line, as a bad value found later is,
         * instead of the error followed by the whole usage: the message (naming the environment variable when the
         * value came from there), then where the options are listed. Other commands keep {@code root}'s handler.
         */
        public static void shortUsageErrors(CommandLine root) {
            CommandLine.IParameterExceptionHandler others = root.getParameterExceptionHandler();
            root.setParameterExceptionHandler((failure, args) -> {
                CommandLine line = failure.getCommandLine();
                if (!(line.getCommandSpec().userObject() instanceof Serve)) {
                    return others.handleParseException(failure, args);
                }
                PrintWriter err = line.getErr();
                err.println("gatehouse: " + fromEnvironment(failure, args) + " (gatehouse serve --help lists the options)");
                err.flush();
                return line.getCommandSpec().exitCodeOnInvalidInput();
            });
        }

        /** The parser's message, saying which variable held the value when the option was not given. */
        private static String fromEnvironment(CommandLine.ParameterException failure, String[] args) {
            String message = failure.getMessage();
            if (!(failure.getArgSpec() instanceof CommandLine.Model.OptionSpec option)) {
                return message;
            }
            String name = option.longestName();
            boolean given = Arrays.stream(args).anyMatch(arg -> arg.equals(name) || arg.startsWith(name + "="));
            String variable = given ? null : variableSet(option);
            return variable == null ? message
                    : message.replace("option '" + name + "'", "option '" + name + "' (from " + variable + ")");
        }

        /**
         * A refused value's message ({@link #config}), saying which variable held the value when the option it names
         * first was not given: {@code --pool-size (from GATEHOUSE_POOL_SIZE) must be 2..200, got 1}; a duration out
         * of range quoted as it was written ({@link #asWritten}).
         */
        private String fromEnvironment(String refusal) {
            Matcher leading = LEADING_OPTION.matcher(refusal);
            CommandLine.Model.OptionSpec option = spec == null || !leading.find() ? null
                    : spec.findOption(leading.group());
            String message = option == null ? refusal : asWritten(refusal, option);
            if (option == null || spec.commandLine().getParseResult().hasMatchedOption(option)) {
                return message;
            }
            String variable = variableSet(option);
            return variable == null ? message
                    : leading.group() + " (from " + variable + ")" + message.substring(leading.end());
        }

        /**
         * {@code message} ending in the option's value as it was written ({@code got 31d}) where it ends in that
         * value as a duration's settings quote it ({@code got PT744H}); else as it is.
         */
        private static String asWritten(String message, CommandLine.Model.OptionSpec option) {
            Matcher got = GOT_DURATION.matcher(message);
            if (!got.find() || !(option.getValue() instanceof String written)) {
                return message;
            }
            try {
                if (!Duration.parse(got.group(1)).equals(Config.duration(option.longestName(), written))) {
                    return message;
                }
            } catch (RuntimeException e) {
                return message;
            }
            return message.substring(0, got.start(1)) + written.strip();
        }

        /** The {@code GATEHOUSE_*} variable an option's description names, when the environment sets it; else null. */
        private static String variableSet(CommandLine.Model.OptionSpec option) {
            Matcher variable = ENVIRONMENT_VARIABLE.matcher(String.join(" ", option.description()));
            return variable.find() && System.getenv(variable.group()) != null ? variable.group() : null;
        }

        /**
         * The configuration; an {@link IllegalArgumentException} naming the option when a value is bad, first in its
         * message ({@link #call} adds the variable the value came from).
         */
        Config config() {
            return new Config(host, port, dataDir, serviceKey, previousServiceKey, logLevel, http.settings(),
                    tls.settings(),
                    database.settings(), changeLog.settings(), webhooks.settings(), limits.limits(),
                    RateLimit.parse("--close-rate-limit", closeRateLimit), oidc.settings(), previews.settings(),
                    newDeploymentId);
        }

        /**
         * {@code host} as a URL writes it: every address ({@code 0.0.0.0}, {@code ::}) as {@code localhost}, an IPv6
         * address in brackets ({@code [::1]}, its zone's {@code %} escaped); a name or an IPv4 address as it is.
         */
        static String urlHost(String host) {
            if (everyAddress(host)) {
                return "localhost";
            }
            String bare = bare(host);
            return bare.contains(":") ? "[" + bare.replace("%", "%25") + "]" : bare;
        }

        /**
         * Where a start line says a node listens on {@code port}: the URL of {@code path} there; on every address
         * ({@code 0.0.0.0}, {@code ::}) said so, with the URL that reaches it from this machine ({@code all addresses,
         * port 8080 (http://localhost:8080)}).
         */
        static String listening(String host, String scheme, int port, String path) {
            String url = scheme + "://" + urlHost(host) + ":" + port + path;
            return everyAddress(host) ? "all addresses, port " + port + " (" + url + ")" : url;
        }

        /** Whether {@code host} is the address of every interface: {@code 0.0.0.0}, {@code ::} (however written). */
        private static boolean everyAddress(String host) {
            String bare = bare(host);
            if (bare.equals("0.0.0.0")) {
                return true;
            }
            if (!bare.contains(":")) {
                return false;
            }
            try {
                return InetAddress.getByName(bare).isAnyLocalAddress(); // a literal: nothing is looked up
            } catch (UnknownHostException e) {
                return false; // not an address after all
            }
        }

        /** {@code host} without the brackets an IPv6 address may be written in. */
        private static String bare(String host) {
            return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        }

        @Override
        public Integer call() throws Exception {
            Config config;
            try {
                config = config();
            } catch (IllegalArgumentException e) {
                System.err.println("gatehouse: " + fromEnvironment(e.getMessage()));
                return 2;
            }
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(Level.toLevel(config.logLevel()));
            Gatehouse node;
            try {
                node = Gatehouse.start(config);
            } catch (StartupException e) {
                LoggerFactory.getLogger(Main.class).debug("the node could not start", e);
                System.err.println("gatehouse: " + e.getMessage());
                return 2;
            } catch (RuntimeException e) {
                // a bug, or a database the node cannot read: one line all the same, the stack trace in the log
                LoggerFactory.getLogger(Main.class).debug("the node could not start", e);
                System.err.println("gatehouse: the node could not start: unexpected error "
                        + String.valueOf(e).strip().replaceAll("\\s*\\R\\s*", " ")
                        + " (--log-level DEBUG logs where it happened)");
                return 2;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("gatehouse: shutting down");
                node.close();
                stopped.countDown();
                System.out.println("gatehouse: stopped");
                System.out.flush();
                // Stopping on SIGTERM/SIGINT is the normal end of a server: exit 0, not the JVM's 128 + signal.
                Runtime.getRuntime().halt(0);
            }, "gatehouse-shutdown"));
            String host = config.host();
            System.out.println("Gatehouse listening on " + listening(host, "http", node.port(), ""));
            if (node.tlsPort() > 0) {
                System.out.println("Gatehouse listening on " + listening(host, "https", node.tlsPort(), ""));
            }
            if (node.managementPort() > 0) {
                System.out.println("Gatehouse metrics on " + listening(host, "http", node.managementPort(), "/metrics"));
            }
            if (node.generatedServiceKey() != null) {
                System.out.println("Service key (shown once, stored hashed): " + node.generatedServiceKey());
            }
            System.out.flush();
            stopped.await();
            return 0;
        }
    }
}
