package dev.gatehouse.bulk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SpoolTest {

    /**
     * A spool's file has no name while it is open: a node killed while it answered once left its spools in the
     * temporary directory for good. Read through the process's open files (Linux), where an unlinked file shows as
     * "(deleted)".
     */
    @Test
    void aSpoolsFile_isUnlinkedWhileOpen_andItsBytesAreAllCopied() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux's /proc");
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) ('a' + i % 26);
        }
        ByteArrayOutputStream copied = new ByteArrayOutputStream();
        try (Spool spool = new Spool()) {
            for (int i = 0; i < 10; i++) {
                spool.write(chunk, 0, chunk.length);
            }
            List<String> open = spoolFilesOpen();
            assertThat(open).as("past 256 KiB the spool is a file").isNotEmpty();
            assertThat(open).allSatisfy(target -> assertThat(target).endsWith(" (deleted)"));
            spool.copyTo(copied);
            spool.copyTo(new ByteArrayOutputStream());
        }
        assertThat(copied.size()).isEqualTo(10 * chunk.length);
        byte[] bytes = copied.toByteArray();
        for (int i = 0; i < 10; i++) {
            assertThat(java.util.Arrays.copyOfRange(bytes, i * chunk.length, (i + 1) * chunk.length)).isEqualTo(chunk);
        }
        assertThat(spoolFilesOpen()).as("closing the spool closes its file").isEmpty();
    }

    private static List<String> spoolFilesOpen() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "";
                }
            }).filter(target -> target.contains("gatehouse-spool-")).toList();
        }
    }
}
