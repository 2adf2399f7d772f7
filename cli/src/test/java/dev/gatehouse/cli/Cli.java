package dev.gatehouse.cli;

import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Runs {@code gatehouse} commands in-process, as {@link GatehouseCli#main} would, with a given environment and
 * standard input, capturing standard output, standard error and the exit code. Neither stream is a terminal.
 */
final class Cli {

    private Cli() {
    }

    /** What a command printed and how it exited. */
    record Run(int exit, String out, String err) {

        /** Standard output as JSON. */
        JsonNode json() {
            return Output.JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** The environment of a run against {@code node} with the service key, reading no config file. */
    static Map<String, String> env(TestNode node) {
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_URL", node.baseUrl());
        env.put("GATEHOUSE_KEY", TestNode.SERVICE_KEY);
        env.put("HOME", "/nonexistent/gatehouse-test-home");
        return env;
    }

    static Run run(TestNode node, String... args) {
        return run(env(node), new ByteArrayInputStream(new byte[0]), args);
    }

    static Run run(Map<String, String> env, InputStream stdin, String... args) {
        StringWriter out = new StringWriter();
        Run run = run(env, stdin, out, args);
        return new Run(run.exit(), out.toString(), run.err());
    }

    /** A run writing its standard output to {@code out} (the result's {@code out} is then empty). */
    static Run run(Map<String, String> env, InputStream stdin, Writer out, String... args) {
        StringWriter err = new StringWriter();
        picocli.CommandLine line = new GatehouseCli(env, stdin, false, false).commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, "", err.toString());
    }

    /** A standard output that takes {@code room} characters, then fails as a full disk does. */
    static Writer full(int room) {
        return new Writer() {
            private int taken;

            @Override
            public void write(char[] chars, int offset, int length) throws IOException {
                if (taken + length > room) {
                    throw new IOException("No space left on device");
                }
                taken += length;
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * A named pipe in {@code directory} that a thread of its own fills with {@code text} once a reader opens it, as
     * {@code <(zcat lines.gz)} does.
     */
    static Path pipe(Path directory, String text) throws IOException, InterruptedException {
        Path pipe = directory.resolve("gatehouse-pipe-" + System.nanoTime());
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo " + pipe + " failed");
        }
        Thread writer = new Thread(() -> {
            try {
                Files.writeString(pipe, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "gatehouse-test-pipe");
        writer.setDaemon(true);
        writer.start();
        return pipe;
    }

    static Run runWithInput(TestNode node, String stdin, String... args) {
        return run(env(node), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }
}
