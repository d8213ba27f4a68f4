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

    @Test
    void withKeepAHarnessThatDidNotRunKeepsItsFragment(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b1.md"), "### B1 — new\n\nnew numbers\n");
        String doc = "head\n" + Report.START + "\n\n### B1 — old\n\nold B1\n\n#### Targets\n\nold B1 targets\n\n"
                + "### B2 — lifecycle\n\nB2 numbers\n\n### B4: scale\n\nB4 numbers\n\n" + Report.END + "\ntail\n";
        String out = Report.render(doc, dir, true);
        assertTrue(out.contains("### B1 — new\n\nnew numbers\n"), out);
        assertTrue(!out.contains("old B1"), out);
        assertTrue(out.contains("\n### B2 — lifecycle\n\nB2 numbers\n"), out);
        assertTrue(out.contains("\n### B4: scale\n\nB4 numbers\n"), out);
        assertTrue(out.contains("### B3\n\nNot run in the pass that wrote this file."), out);
        assertTrue(out.indexOf("### B2") < out.indexOf("### B3") && out.indexOf("### B3") < out.indexOf("### B4"), out);
        assertTrue(out.endsWith(Report.END + "\ntail\n"), out);
        // without --keep, the same document loses B2 and B4
        assertTrue(!Report.render(doc, dir).contains("B2 numbers"));
    }
}
