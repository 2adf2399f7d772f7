package dev.gatehouse.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running PostgreSQL server over a data directory: started with {@code pg_ctl -w} (which returns once the
 * server accepts connections, or fails with the server's own words), stopped with a fast shutdown.
 *
 * <p><b>Dies with its owner.</b> {@code pg_ctl} detaches the server from Gatehouse's process, so a Gatehouse
 * killed outright (SIGKILL, the OOM killer) would leave it running. A small watchdog process ({@code sh})
 * holds a pipe from this JVM open and does nothing else; when the JVM dies, however it dies, the pipe reaches
 * end of file and the watchdog stops the server cleanly. It ignores the signals a terminal or a supervisor sends a
 * whole process group (Ctrl-C, {@code timeout}, a closed terminal): a Gatehouse stopped that way while starting,
 * before it can stop the server itself, once left the server running because its watchdog had died with it. A
 * server that outlives even that is an orphan, which the next start detects and stops ({@link EmbeddedDatabase}).
 *
 * <p>The server's output goes to the log at debug level ({@code FATAL} and {@code PANIC} lines at warn); the
 * last lines are kept for error messages. {@link #exited} tells when the server has exited, whoever ended it: the
 * owner watches it to start a server that died again.
 *
 * <p>Thread-safety: safe from any thread; {@link #stop} is idempotent once the server has exited.
 */
final class Postmaster {

    private static final Logger LOG = LoggerFactory.getLogger(Postmaster.class);
    private static final Logger SERVER_LOG = LoggerFactory.getLogger("dev.gatehouse.store.postgres");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;
    private static final int TAIL_LINES = 40;
    /** The server's report that it could not take its port, with the operating system's reason. */
    private static final Pattern NO_PORT = Pattern.compile(
            "could not (?:bind|listen on) IPv[46] address \"[^\"]*\": (.+)");
    /** The server's report that another server holds the Unix socket named after its port. */
    private static final Pattern SOCKET_HELD = Pattern.compile(
            "lock file \"(\\S*\\.s\\.PGSQL\\.\\d+)\\.lock\" already exists");

    private final PostgresPrograms programs;
    private final Path pgData;
    private final int port;
    private final long pid;
    private final Thread output;
    private final ArrayDeque<String> tail;
    private final CompletableFuture<Void> exited;
    private final Process watchdog;

    private Postmaster(PostgresPrograms programs, Path pgData, int port, long pid, Thread output,
                       ArrayDeque<String> tail, Process watchdog) {
        this.programs = programs;
        this.pgData = pgData;
        this.port = port;
        this.pid = pid;
        this.output = output;
        this.tail = tail;
        this.exited = ProcessHandle.of(pid).map(p -> p.onExit().<Void>thenApply(exit -> null))
                .orElseGet(() -> CompletableFuture.completedFuture(null));
        this.watchdog = watchdog;
    }

    /**
     * Starts the server on a free loopback port with {@code settings} ({@code -c name=value}); another port is
     * tried if the chosen one was taken in the meantime.
     */
    static Postmaster start(PostgresPrograms programs, Path pgData, Map<String, String> settings) {
        EmbeddedDatabase.PortUnavailableException taken = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                return start(programs, pgData, settings, port);
            } catch (EmbeddedDatabase.PortUnavailableException e) {
                taken = e;
                LOG.info("port {} was taken before PostgreSQL could use it; trying another", port);
            }
        }
        throw taken;
    }

    /**
     * Starts the server on {@code port}, once; never on another.
     *
     * @throws EmbeddedDatabase.PortUnavailableException when the server cannot listen on {@code port}
     * @throws IllegalStateException with the server's last lines when it does not start otherwise
     */
    static Postmaster start(PostgresPrograms programs, Path pgData, Map<String, String> settings, int port) {
        ArrayDeque<String> tail = new ArrayDeque<>();
        List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port)));
        settings.forEach((name, value) -> options.addAll(List.of("-c", name + "=" + value)));
        List<String> command = programs.command("pg_ctl", List.of("-D", pgData.toString(), "-w",
                "-t", Long.toString(START_TIMEOUT.toSeconds()), "-o", String.join(" ", options), "start"));
        Process pgCtl;
        try {
            pgCtl = new ProcessBuilder(command).redirectErrorStream(true).start();
            pgCtl.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run pg_ctl", e);
        }
        // The server inherits pg_ctl's output: this thread reads it until the server exits.
        Thread output = drain(pgCtl, tail);
        int exit = waitFor(pgCtl, START_TIMEOUT.plusSeconds(10));
        if (exit == 0) {
            long pid = PostmasterPid.read(pgData).map(PostmasterPid::pid)
                    .orElseThrow(() -> new IllegalStateException("PostgreSQL started but wrote no " + PostmasterPid.FILE));
            Postmaster postmaster = new Postmaster(programs, pgData, port, pid, output, tail,
                    watchdog(programs, pgData));
            LOG.debug("PostgreSQL server {} on port {} over {}", pid, port, pgData);
            return postmaster;
        }
        if (PostmasterPid.read(pgData).map(p -> p.holder(pgData) == PostmasterPid.Holder.SERVER).orElse(false)) {
            stop(programs, pgData, "immediate"); // started, but too late or half way: not left behind
        }
        awaitOutput(output);
        String lines = tail(tail);
        Matcher noPort = NO_PORT.matcher(lines);
        if (noPort.find()) {
            throw new EmbeddedDatabase.PortUnavailableException(port, noPort.group(1).strip());
        }
        Matcher socketHeld = SOCKET_HELD.matcher(lines);
        if (socketHeld.find()) {
            throw new EmbeddedDatabase.PortUnavailableException(port, "another server holds the Unix socket "
                    + socketHeld.group(1) + " of that port");
        }
        throw new IllegalStateException("PostgreSQL did not start over " + pgData + " on port " + port + ":\n"
                + lines);
    }

    int port() {
        return port;
    }

    long pid() {
        return pid;
    }

    /**
     * Completes once the server process has exited, however it ended. The JDK notices the exit of a process that
     * is not its child (the server is pg_ctl's) by polling, every few seconds at most. The processes the server
     * started exit a moment later; until they have, another server over the same data directory refuses to start.
     */
    CompletableFuture<Void> exited() {
        return exited;
    }

    /**
     * Stops the server (fast shutdown: open sessions are ended, the data is checkpointed) and its watchdog; only
     * the watchdog when the server has exited already.
     */
    void stop() {
        if (watchdog != null) {
            watchdog.destroyForcibly(); // it ignores SIGTERM
            waitFor(watchdog, Duration.ofSeconds(10));
        }
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return;
        }
        if (!stop(programs, pgData, "fast") && !stop(programs, pgData, "immediate")) {
            LOG.error("could not stop the PostgreSQL server {} over {}:\n{}", pid, pgData, tail(tail));
        }
        awaitExit(pid, STOP_TIMEOUT);
        awaitOutput(output);
    }

    /**
     * Waits until process {@code pid} has exited: {@code pg_ctl stop} returns once the server removed its
     * lock file, a moment before the process is gone. False if it is still there after {@code timeout}.
     */
    static boolean awaitExit(long pid, Duration timeout) {
        ProcessHandle process = ProcessHandle.of(pid).orElse(null);
        if (process == null) {
            return true;
        }
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return !process.isAlive();
        }
    }

    /**
     * Stops the server running over {@code pgData} in the given shutdown mode and waits until it has exited;
     * true when no server runs there any more.
     */
    static boolean stop(PostgresPrograms programs, Path pgData, String mode) {
        PostgresPrograms.Result result = programs.run("pg_ctl", List.of("-D", pgData.toString(), "-m", mode, "-w",
                "-t", Long.toString(STOP_TIMEOUT.toSeconds()), "stop"), null, STOP_TIMEOUT.plusSeconds(10));
        if (result.ok() || result.output().contains("Is server running?")) {
            return true;
        }
        LOG.warn("pg_ctl stop -m {} over {} failed: {}", mode, pgData, result.output());
        return false;
    }

    /**
     * A process that stops the server when this JVM is gone: it waits for end of file on its standard input,
     * a pipe only this JVM holds, then runs {@code pg_ctl stop}. Null where no POSIX shell exists.
     */
    private static Process watchdog(PostgresPrograms programs, Path pgData) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                "trap '' HUP INT QUIT TERM; read -r line; exec \"$@\"", "gatehouse-postgres-watchdog"));
        command.addAll(programs.command("pg_ctl", List.of("-D", pgData.toString(), "-m", "fast", "-w",
                "-t", Long.toString(STOP_TIMEOUT.toSeconds()), "stop")));
        try {
            return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            LOG.warn("no watchdog for the PostgreSQL server ({}): should Gatehouse be killed, the next start stops "
                    + "the server it leaves behind", e.getMessage());
            return null;
        }
    }

    private static Thread drain(Process process, ArrayDeque<String> tail) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.contains("FATAL:") || line.contains("PANIC:")) {
                        SERVER_LOG.warn("{}", line);
                    } else {
                        SERVER_LOG.debug("{}", line);
                    }
                    synchronized (tail) {
                        if (tail.size() == TAIL_LINES) {
                            tail.removeFirst();
                        }
                        tail.addLast(line);
                    }
                }
            } catch (IOException ignored) {
                // the server is gone
            }
        }, "gatehouse-postgres-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String tail(ArrayDeque<String> tail) {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    private static void awaitOutput(Thread output) {
        try {
            output.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int waitFor(Process process, Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for PostgreSQL", e);
        }
    }
}
