package dev.gatehouse.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Gatehouse node in its own operating-system process ({@code java -cp <this JVM's class path>
 * dev.gatehouse.app.Main serve …}) over a test database or its own embedded one, for tests that kill or
 * signal it.
 */
public final class NodeProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Gatehouse listening on http://[^:]+:(\\d+)");

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final List<Thread> drains = new ArrayList<>();

    private NodeProcess(Process process) {
        this.process = process;
        drain(process.getInputStream(), stdout, true);
        drain(process.getErrorStream(), stderr, false);
    }

    /** Starts a node over a database of the test server on a random port and waits until it listens. */
    public static NodeProcess start(String databaseUrl, Path dataDir) {
        return start(databaseUrl, dataDir, List.of(), List.of());
    }

    /**
     * Starts a node over a database of the test server with extra JVM options (e.g.
     * {@code -Djdk.net.hosts.file=…}) and extra {@code serve} options, and waits until it listens.
     */
    public static NodeProcess start(String databaseUrl, Path dataDir, List<String> jvmOptions, List<String> options) {
        List<String> arguments = new ArrayList<>(List.of("--database-url", databaseUrl, "--database-user",
                TestDatabase.USER));
        arguments.addAll(options);
        return start(dataDir, jvmOptions, arguments, Map.of("GATEHOUSE_DATABASE_PASSWORD", TestDatabase.password()));
    }

    /**
     * Starts a node over its own embedded PostgreSQL under {@code dataDir} (created on first start, kept
     * across restarts) on a random port and waits until it listens.
     */
    public static NodeProcess startEmbedded(Path dataDir) {
        return start(dataDir, List.of(), List.of(), Map.of());
    }

    private static NodeProcess start(Path dataDir, List<String> jvmOptions, List<String> options,
                                     Map<String, String> environment) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "dev.gatehouse.app.Main", "serve", "--port", "0", "--host", "127.0.0.1",
                "--service-key", TestNode.SERVICE_KEY, "--data-dir", dataDir.toString(),
                "--poll-millis", "200", "--pool-size", "4"));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        try {
            NodeProcess node = new NodeProcess(builder.start());
            node.awaitListening();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void drain(InputStream in, StringBuffer into, boolean watchPort) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    into.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (watchPort && m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
            port.completeExceptionally(new IllegalStateException("the node exited before listening"));
        }, "node-process-output");
        t.setDaemon(true);
        drains.add(t);
        t.start();
    }

    /**
     * Waits for the node to listen: up to five minutes, as a first start unpacks PostgreSQL and creates a cluster,
     * which took over two minutes on a loaded 2-core machine; a node that never starts still fails the test.
     */
    private void awaitListening() {
        try {
            port.get(300, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            throw new AssertionError("node process did not start: " + e.getMessage() + "\nstdout:\n" + stdout
                    + "\nstderr:\n" + stderr, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public int port() {
        return port.join();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public Http service() {
        return new Http(baseUrl(), TestNode.SERVICE_KEY);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the process dies at once, without running any shutdown code. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /**
     * SIGKILL of the node and of every process it started that is still its descendant (as when a whole
     * process group is killed): nothing of the node survives that could clean up after it.
     */
    public void killWithDescendants() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        waitFor();
        for (ProcessHandle descendant : descendants) {
            descendant.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    /**
     * What a signal to the node's whole process group (Ctrl-C, {@code timeout}) does to a node still starting: every
     * process it started gets SIGTERM, and the node dies before its shutdown code is there to run (SIGKILL here).
     */
    public void signalDescendantsThenKill() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: a graceful stop; returns the exit code. */
    public int terminate() {
        process.destroy();
        return waitFor();
    }

    private int waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("node process did not exit within 60 s\nstdout:\n" + stdout);
            }
            for (Thread t : drains) {
                t.join(5000); // the last lines of output
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String stdout() {
        return stdout.toString();
    }

    public String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
    }
}
