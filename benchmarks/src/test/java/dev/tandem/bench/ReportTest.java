package dev.tandem.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @Test
    void replacesOnlyTheResultsSectionAndSaysWhatDidNotRun(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b2.md"), "### B2\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        String doc = "# Benchmarks\nmethod text\n" + Report.START + "\nold numbers\n" + Report.END + "\nfooter\n";
        String out = Report.render(doc, dir);
        assertTrue(out.startsWith("# Benchmarks\nmethod text\n" + Report.START), out);
        assertTrue(out.endsWith(Report.END + "\nfooter\n"), out);
        assertTrue(out.contains("| 1 | 2 |"), out);
        assertTrue(!out.contains("old numbers"), out);
        assertTrue(out.contains("### B1\n\nNot run in the pass that wrote this file."), out);
        assertEquals(1, out.split(Report.START, -1).length - 1);
        assertThrows(IllegalArgumentException.class, () -> Report.render("no markers", dir));
    }
}
