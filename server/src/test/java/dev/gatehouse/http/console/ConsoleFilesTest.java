package dev.gatehouse.http.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's files as the class path holds them, and what of them stays in memory. */
class ConsoleFilesTest {

    @Test
    void namesOfNoFile_areNotKept_soMadeUpNamesCannotGrowMemory() {
        ConsoleFiles files = new ConsoleFiles("/console/");
        for (int i = 0; i < 1_000; i++) {
            assertThat(files.find("made-up-" + i + ".js")).isEmpty();
        }
        assertThat(files.kept()).isZero();
    }

    @Test
    void aFileThatExists_isServedAndKept() {
        ConsoleFiles files = new ConsoleFiles("/console/");
        ConsoleFiles.File first = files.find("main.js").orElseThrow();
        assertThat(first.contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(files.find("main.js").orElseThrow()).isSameAs(first);
        assertThat(files.kept()).isEqualTo(1);
    }
}
