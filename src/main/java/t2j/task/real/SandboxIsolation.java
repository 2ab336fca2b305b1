package t2j.task.real;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link PythonSandbox} run is isolated: the bubblewrap ({@code bwrap}) command line, and the probe that
 * says whether it can be set up on this machine or, if not, exactly what is missing.
 *
 * <p>What the program sees: {@code /usr} read-only (with the {@code /bin}, {@code /lib}... links of a merged-usr
 * system), the dynamic linker's cache, the interpreter's own prefix read-only when it lives outside {@code /usr}
 * (a venv, conda), and nothing else of the host: no home, no {@code /etc} beyond that cache, no host
 * {@code /tmp}. Writable are only a fresh size-limited tmpfs at {@code /tmp} (its working directory) and a
 * 1 MiB {@code /dev/shm}; the root itself is read-only. Every namespace is new: no network (a loopback of its
 * own), no host processes, a PID namespace in which the interpreter is pid 1, so every process the program starts
 * is killed when it exits, is killed, or the JVM dies ({@code --die-with-parent}); a user namespace with uid and
 * gid 65534, no capabilities and, with bwrap 0.8 or newer, no nested user namespaces. The environment is empty
 * ({@code --clearenv}) and the program gets its own session, so it cannot push input to our terminal.
 *
 * <p>The interpreter is pid 1 itself ({@code --as-pid-1}) rather than a child of bwrap's reaper: the outer bwrap
 * exits as soon as that reaper reports the exit status, before the reaper is gone, so the reaper was orphaned to
 * the host's init, and where that init does not reap (as in some containers) every run left a zombie. For the same
 * reason a run is stopped by killing the interpreter, not bwrap: bwrap then reaps it and exits.
 *
 * <p>Started as root, the JVM first drops to uid/gid 65534 with {@code setpriv}: the kernel exempts root from
 * {@code RLIMIT_NPROC}, so without this the process cap would not bind, and a program that escaped bwrap would be
 * root on the host. In the sandbox's own user namespace the cap counts only the run's processes, so concurrent
 * runs do not share it. The limits themselves are set by the wrapper before the program starts; see
 * {@link PythonSandbox}.
 */
final class SandboxIsolation {
    /** The uid and gid of the program, inside the sandbox and (when the JVM is root) outside. */
    static final int SANDBOX_UID = 65534;
    /** {@code /dev/shm} is separate from {@code /tmp}: enough for POSIX semaphores, too small to fill memory. */
    private static final long SHM_BYTES = 1L << 20;

    private static final String INSTALL_BWRAP = "install it: apt-get install bubblewrap (Debian/Ubuntu), "
            + "dnf install bubblewrap (Fedora), pacman -S bubblewrap (Arch)";
    private static final String USERNS_HINT = "bubblewrap needs unprivileged user namespaces: sysctl "
            + "user.max_user_namespaces must be > 0 (and kernel.unprivileged_userns_clone=1 on Debian kernels before 5.10, "
            + "kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap on Ubuntu 23.10+); "
            + "inside Docker the default seccomp profile forbids them (run with --security-opt seccomp=unconfined "
            + "or a profile that allows unshare/clone of namespaces)";

    /** The tools used; {@code null} for one that is not installed. */
    record Tools(Path bwrap, Path setpriv) {
        /** Looks in the usual system directories, then on {@code PATH}. */
        static Tools find() {
            return new Tools(locate("bwrap"), locate("setpriv"));
        }

        private static Path locate(String name) {
            for (String dir : new String[] {"/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin"}) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
            String path = System.getenv("PATH");
            if (path == null) return null;
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
            return null;
        }
    }

    /** Either a usable isolation or the reason there is none. */
    record Probe(SandboxIsolation isolation, String problem) {
        static Probe failed(String problem) {
            return new Probe(null, problem);
        }
    }

    private final List<String> launch; // setpriv (as root), bwrap and the flags that do not depend on the run
    private final List<String> interpreterBinds;
    private final String interpreter; // sys.executable, as the sandbox sees it
    private final String description;
    private final boolean rootOutside;

    private SandboxIsolation(
            List<String> launch,
            List<String> interpreterBinds,
            String interpreter,
            String description,
            boolean rootOutside) {
        this.launch = List.copyOf(launch);
        this.interpreterBinds = List.copyOf(interpreterBinds);
        this.interpreter = interpreter;
        this.description = description;
        this.rootOutside = rootOutside;
    }

    /**
     * Checks the tools and the interpreter, and builds the command line. It does not try the sandbox itself:
     * {@link PythonSandbox} does that with a real run, and passes a failure to {@link #setupFailed}.
     */
    static Probe probe(Path python, Tools tools) {
        if (tools.bwrap() == null)
            return Probe.failed("bubblewrap is not installed (no bwrap in /usr/bin, /bin, /usr/local/bin or on PATH); "
                    + INSTALL_BWRAP);
        Output version = exec(List.of(tools.bwrap().toString(), "--version"));
        Output help = exec(List.of(tools.bwrap().toString(), "--help"));
        if (!version.ok() || !help.ok())
            return Probe.failed(tools.bwrap() + " does not run: "
                    + (version.ok() ? help : version).text().strip());
        String bwrapVersion = version.text().strip();
        // --size (bubblewrap 0.7.0) is what bounds the temp dir; without it a program could fill memory through /tmp.
        if (!help.text().contains("--size"))
            return Probe.failed(
                    bwrapVersion + " at " + tools.bwrap() + " is too old: it has no --size to bound the "
                            + "sandbox's temp dir; bubblewrap 0.7.0 or newer is needed (Debian 12, Ubuntu 24.04, Fedora 37 have it)");
        boolean root = effectiveUid() == 0;
        if (root && tools.setpriv() == null)
            return Probe.failed(
                    "the JVM runs as root, so the sandbox drops to uid " + SANDBOX_UID + " with setpriv before "
                            + "bwrap (root is exempt from the process limit), but setpriv is not installed; install util-linux "
                            + "(apt-get install util-linux)");

        Output where = exec(
                List.of(
                        python.toString(),
                        "-I",
                        "-c",
                        "import os, sys; print(sys.executable); print(os.path.realpath(sys.executable)); print(sys.base_prefix); print(sys.prefix)"));
        List<String> lines = where.text().lines().toList();
        if (!where.ok() || lines.size() < 4 || lines.get(0).isBlank())
            return Probe.failed("the interpreter " + python + " did not report where it lives: "
                    + where.text().strip());
        String executable = lines.get(0);
        List<String> binds = new ArrayList<>();
        for (String dir : List.of(Path.of(lines.get(1)).getParent().toString(), lines.get(2), lines.get(3)))
            addBind(binds, dir);

        List<String> launch = new ArrayList<>();
        if (root)
            launch.addAll(List.of(
                    tools.setpriv().toString(),
                    "--reuid=" + SANDBOX_UID,
                    "--regid=" + SANDBOX_UID,
                    "--clear-groups",
                    "--"));
        launch.addAll(List.of(
                tools.bwrap().toString(),
                "--unshare-all",
                "--unshare-user",
                "--uid",
                Integer.toString(SANDBOX_UID),
                "--gid",
                Integer.toString(SANDBOX_UID),
                "--cap-drop",
                "ALL",
                "--die-with-parent",
                "--new-session",
                "--as-pid-1"));
        boolean noNestedUserns = help.text().contains("--disable-userns");
        if (noNestedUserns) launch.add("--disable-userns");
        launch.addAll(List.of("--ro-bind", "/usr", "/usr"));
        // Merged-usr systems have /bin -> usr/bin and so on; older ones have real directories.
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path p = Path.of(top);
            if (Files.isSymbolicLink(p)) {
                try {
                    launch.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } catch (IOException e) {
                    return Probe.failed("cannot read the link " + top + ": " + e.getMessage());
                }
            } else if (Files.isDirectory(p)) {
                launch.addAll(List.of("--ro-bind", top, top));
            }
        }
        launch.addAll(List.of("--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"));
        String description = "isolated by " + bwrapVersion + ": uid " + SANDBOX_UID
                + (root ? " (inside and out, through setpriv)" : "") + ", read-only /usr, no network, own PID namespace"
                + (noNestedUserns ? ", no nested user namespaces" : "");
        return new Probe(new SandboxIsolation(launch, binds, executable, description, root), null);
    }

    /** Adds a read-only bind for {@code dir} unless {@code /usr} or an earlier bind already shows it. */
    private static void addBind(List<String> binds, String dir) {
        Path p = Path.of(dir).normalize();
        if (!p.isAbsolute() || !Files.isDirectory(p) || p.startsWith("/usr") || p.getNameCount() == 0) return;
        for (int i = 1; i < binds.size(); i += 3) if (p.startsWith(binds.get(i))) return;
        binds.addAll(List.of("--ro-bind", p.toString(), p.toString()));
    }

    /** The full command line of one run: the sandbox, then {@code interpreter args...} inside it. */
    List<String> command(PythonSandbox.Limits limits, List<Path> readOnlyPaths, List<String> pythonArgs) {
        List<String> cmd = new ArrayList<>(launch);
        cmd.addAll(List.of(
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                "--size",
                Long.toString(SHM_BYTES),
                "--tmpfs",
                "/dev/shm",
                "--remount-ro",
                "/dev",
                "--size",
                Long.toString(limits.tempDirBytes()),
                "--tmpfs",
                "/tmp"));
        // After the tmpfs, so that an interpreter (or a test's canary) under /tmp is not hidden by it.
        cmd.addAll(interpreterBinds);
        for (Path p : readOnlyPaths) cmd.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        cmd.addAll(List.of("--remount-ro", "/", "--chdir", "/tmp", "--clearenv", "--", interpreter));
        cmd.addAll(pythonArgs);
        return cmd;
    }

    /** One line on how runs are isolated, for logs. */
    String description() {
        return description;
    }

    /** The reason a trial run failed to start, with what to do about it; {@code output} is what bwrap printed. */
    String setupFailed(String output) {
        String said = output.strip();
        if (said.length() > 600) said = said.substring(0, 600) + "...";
        StringBuilder sb = new StringBuilder("bubblewrap is installed but could not set up the sandbox: ")
                .append(said.isEmpty() ? "(no message)" : said);
        if (said.contains("namespace") || said.contains("uid map") || said.contains("Operation not permitted"))
            sb.append("; ").append(USERNS_HINT);
        if (said.contains("Permission denied") && rootOutside)
            sb.append("; the sandbox runs as uid ")
                    .append(SANDBOX_UID)
                    .append(
                            ", so the interpreter and its libraries must be readable by that user (/usr/bin/python3 is)");
        return sb.toString();
    }

    /** The process's effective uid: the owner of {@code /proc/self}; -1 where that cannot be read. */
    static int effectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return -1;
        }
    }

    private record Output(boolean ok, String text) {}

    /** Runs a short trusted command (tool version, help, interpreter location) with a 10 s limit. */
    private static Output exec(List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().clear();
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(64 << 10);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Output(false, String.join(" ", cmd) + " did not finish in 10 s");
            }
            return new Output(p.exitValue() == 0, new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Output(false, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Output(false, "interrupted");
        }
    }
}
