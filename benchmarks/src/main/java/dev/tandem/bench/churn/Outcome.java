package dev.tandem.bench.churn;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What a churn harness did: every run of every variant, and the fragment it wrote. */
final class Outcome {
    final Map<String, List<RunResult>> results;
    final String markdown;
    final Path file;

    Outcome(Map<String, List<RunResult>> results, String markdown, Path file) {
        this.results = results;
        this.markdown = markdown;
        this.file = file;
    }
}
