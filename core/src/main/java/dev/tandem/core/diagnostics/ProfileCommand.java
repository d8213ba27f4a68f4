package dev.tandem.core.diagnostics;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The offline profile, the {@code Main-Class} of tandem-core's jar: groups a thread dump taken with
 * {@code jcmd <pid> Thread.dump_to_file [-format=json] <file>} on any machine, Tandem or not.
 *
 * <pre>
 * java -jar tandem-core-&lt;version&gt;.jar profile dump.json     (or dump.txt, or - for stdin)
 * </pre>
 *
 * Needs nothing but the jar: it touches neither slf4j nor JCTools. Exit status 0 on success, 1 when
 * the file is not a thread dump or cannot be read, 2 on a usage error.
 */
public final class ProfileCommand {
    private ProfileCommand() {}

    /** Runs the command; see the class comment. */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 || !args[0].equals("profile")) {
            err.println("usage: java -jar tandem-core.jar profile <thread-dump-file | ->");
            err.println("  groups a dump taken with: jcmd <pid> Thread.dump_to_file [-format=json] <file>");
            return 2;
        }
        String source = args[1];
        try (Reader r = source.equals("-") ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                : Files.newBufferedReader(Path.of(source), StandardCharsets.UTF_8)) {
            StackGrouper g = ThreadDumpParser.read(r);
            List<StackGroup> groups = g.groups();
            out.print(ProfileText.format("file " + source, g.total(), g.virtualTotal(), groups));
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            err.println("tandem profile: no such file: " + source);
        } catch (IOException e) {
            err.println("tandem profile: cannot read " + source + ": " + e);
        } catch (IllegalArgumentException e) {
            err.println("tandem profile: " + source + ": " + e.getMessage());
        }
        return 1;
    }
}
