package t2j.task.real;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds processes a sandbox run left alive, from the host's {@code /proc}: any whose command line holds the
 * test's token (hostile programs put it in every process they start) or the wrapper's comment (every python of
 * a run, forked or not, and bwrap itself carry it), any descendant of this JVM but the ones the test started,
 * and, when the tests run as root, any new process of the sandbox's host uid 65534, which catches one that
 * escaped and changed its command line.
 */
final class HostileProcesses {
    private static final String WRAPPER_MARK = "# t2j-sandbox wrapper";

    private final String token;
    private final Set<Long> ours;
    private final boolean root = SandboxIsolation.effectiveUid() == 0;
    private Set<Long> sandboxUidBefore = Set.of();

    /** Watches for {@code token}; {@code ours} are the test's own children (a sentinel), never reported. */
    HostileProcesses(String token, Set<Long> ours) {
        this.token = token;
        this.ours = Set.copyOf(ours);
    }

    /** Remembers the sandbox uid's processes that exist before a run (other software may run as nobody). */
    void beforeRun() {
        sandboxUidBefore = root ? sandboxUidProcesses() : Set.of();
    }

    /**
     * The leftovers, one {@code "pid: command line"} each, polling up to {@code graceMillis} for the kernel to
     * finish tearing down a namespace that is already dead.
     */
    List<String> leftovers(long graceMillis) throws InterruptedException {
        long deadline = System.nanoTime() + graceMillis * 1_000_000;
        while (true) {
            List<String> found = scan();
            if (found.isEmpty() || System.nanoTime() > deadline) return found;
            Thread.sleep(20);
        }
    }

    /** Processes whose command line holds {@code text}, ignoring this JVM's watch list: for the detector's own test. */
    static List<Long> withCommandLine(String text) {
        List<Long> out = new ArrayList<>();
        for (long pid : pids()) if (commandLine(pid).contains(text)) out.add(pid);
        return out;
    }

    private List<String> scan() {
        List<String> found = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(h -> {
            if (!ours.contains(h.pid()) && seen.add(h.pid()))
                found.add(h.pid() + " (child of the JVM): " + shorten(commandLine(h.pid())));
        });
        long self = ProcessHandle.current().pid();
        for (long pid : pids()) {
            if (pid == self || ours.contains(pid) || seen.contains(pid)) continue;
            String cmd = commandLine(pid);
            if (cmd.contains(token) || cmd.contains(WRAPPER_MARK)) {
                seen.add(pid);
                found.add(pid + ": " + shorten(cmd));
            }
        }
        if (root)
            for (long pid : sandboxUidProcesses())
                if (!sandboxUidBefore.contains(pid) && seen.add(pid))
                    found.add(pid + " (uid 65534): " + shorten(commandLine(pid)));
        return found;
    }

    private static Set<Long> sandboxUidProcesses() {
        Set<Long> out = new HashSet<>();
        for (long pid : pids()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
                    if (line.startsWith("Uid:")
                            && line.split("\\s+")[1].equals(Integer.toString(SandboxIsolation.SANDBOX_UID)))
                        out.add(pid);
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        return out;
    }

    private static List<Long> pids() {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> out.add(Long.parseLong(n)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return out;
    }

    private static String commandLine(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(b, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String shorten(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
