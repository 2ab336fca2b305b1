package t2j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import t2j.adapt.log.AdaptationLog;
import t2j.adapt.log.LogEntry;

/** {@code t2j log}: shows an adaptation log file, filtered. */
final class LogCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j log FILE [--expert NAME] [--purpose answer|dispatch|search|score|update|rollback|revert|...]",
            "                    [--session NAME] [--last N]",
            "",
            "Prints the compositions recorded in an adaptation log (JSON lines, as a session writes them) as a",
            "Markdown table: mixture, matrices touched, controls, answers and their pass-1 labels, timings. Notes of",
            "expert updates (kept or rolled back, and why) follow the table. A line torn by a kill mid-write at the",
            "end is skipped.",
            "  --expert NAME   only compositions with this expert (default: all)",
            "  --purpose P     only compositions made for P (default: all)",
            "  --session NAME  only this session's (default: all)",
            "  --last N        only the last N (default: all)",
            "");

    private LogCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        if (argv.length == 0) throw new Args.UsageException("t2j log: which log file? (t2j log FILE)");
        Path file = Path.of(argv[0]);
        Args a = new Args(
                "log",
                java.util.Arrays.copyOfRange(argv, 1, argv.length),
                Set.of("--expert", "--purpose", "--session", "--last"),
                Set.of());
        List<LogEntry> entries = AdaptationLog.read(file);
        int total = entries.size();
        if (a.has("--expert"))
            entries = entries.stream()
                    .filter(AdaptationLog.composing(a.get("--expert", "")))
                    .toList();
        if (a.has("--purpose"))
            entries = entries.stream()
                    .filter(AdaptationLog.purpose(a.get("--purpose", "")))
                    .toList();
        if (a.has("--session"))
            entries = entries.stream()
                    .filter(e -> e.session().equals(a.get("--session", "")))
                    .toList();
        int last = a.integer("--last", Integer.MAX_VALUE);
        if (last < entries.size()) entries = entries.subList(entries.size() - last, entries.size());
        out.printf("%s: %d of %d entries%n%n", file, entries.size(), total);
        out.print(AdaptationLog.table(entries));
        for (LogEntry e : entries) if (e.note() != null) out.printf("%n#%d %s: %s", e.seq(), e.purpose(), e.note());
        if (entries.stream().anyMatch(e -> e.note() != null)) out.println();
        return 0;
    }
}
