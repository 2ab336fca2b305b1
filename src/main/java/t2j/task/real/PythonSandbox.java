package t2j.task.real;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import t2j.util.ScratchDirs;

/**
 * Runs untrusted Python (a model's MBPP/HumanEval answer plus the tests) in a separate {@code python3} process,
 * isolated by bubblewrap.
 *
 * <p>Each run gets its own sandbox ({@link SandboxIsolation} has the details): a read-only view of {@code /usr}
 * and nothing else of the host, a private size-limited tmpfs as its working directory, no network, a fresh PID
 * namespace (every process the program starts dies with the run), uid 65534 without capabilities and an empty
 * environment. A small wrapper then sets limits that bind before the program starts: address space per process,
 * CPU seconds, file size, open files, no core dumps, and processes plus threads. The JVM enforces the wall-clock
 * timeout and the output size (it reads the output through a pipe and stops the run past the limit).
 *
 * <p>A run passes only if the program finishes normally: exit status 0 and the wrapper's per-run random marker
 * printed after the code returned, so {@code sys.exit(0)} or {@code os._exit(0)} before the tests cannot fake a
 * pass. (The marker is in the process's memory, so a program that goes looking for it can still fake a pass; the
 * sandbox contains such a program, it does not make its verdict honest.)
 *
 * <p>When the isolation cannot be set up (no bubblewrap, no user namespaces...), {@link #run} throws
 * {@link SandboxUnavailableException} naming what is missing and how to install it, as it does without an
 * interpreter: a training run fails loudly instead of learning from all-negative rewards or running model code
 * unconfined. {@link Isolation#ALLOW_UNISOLATED} (or {@code T2J_SANDBOX_UNISOLATED=1} for {@link #detect()}) is
 * the explicit opt-in to run anyway where isolation is impossible: the program then runs directly with the same
 * rlimits and naive guards (no fork/exec/socket functions), and the first run logs a warning saying why.
 *
 * <pre>{@code
 * PythonSandbox.Result r = PythonSandbox.detect().run("assert 1 + 1 == 2");
 * if (!r.passed()) System.out.println(r.summary());
 * }</pre>
 */
public final class PythonSandbox {

    /** The environment variable that makes {@link #detect()} opt in to unisolated runs ({@code 1} or {@code true}). */
    public static final String UNISOLATED_ENV = "T2J_SANDBOX_UNISOLATED";

    /**
     * Bounds for one run. {@code memoryBytes} is the address space of each process, so a run's worst case is
     * {@code processes * memoryBytes}; {@code processes} counts the program's processes and threads, itself
     * included; {@code tempDirBytes} bounds everything written to its working directory and {@code /tmp},
     * {@code maxFileBytes} any one file; {@code outputBytes} stdout and stderr together.
     */
    public record Limits(
            Duration timeout, long memoryBytes, long maxFileBytes, long tempDirBytes, long outputBytes, int processes) {
        /** 10 s, 1 GiB of address space, 16 MiB per file, 64 MiB of temp dir, 1 MiB of output, 8 processes and threads. */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), 1L << 30, 16L << 20);

        public Limits {
            if (timeout.isNegative() || timeout.isZero())
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            if (memoryBytes <= 0 || maxFileBytes <= 0 || tempDirBytes <= 0 || outputBytes <= 0)
                throw new IllegalArgumentException("byte limits must be positive: " + memoryBytes + ", " + maxFileBytes
                        + ", " + tempDirBytes + ", " + outputBytes);
            if (processes < 1) throw new IllegalArgumentException("processes must be >= 1: " + processes);
        }

        /** The given time, memory and file size; 64 MiB of temp dir, 1 MiB of output, 8 processes and threads. */
        public Limits(Duration timeout, long memoryBytes, long maxFileBytes) {
            this(timeout, memoryBytes, maxFileBytes, 64L << 20, 1L << 20, 8);
        }
    }

    /** Whether a run may go ahead without isolation. */
    public enum Isolation {
        /** Every run is isolated; when that is impossible, {@link #run} throws. The default. */
        REQUIRED,
        /**
         * Isolate when possible, else run the program unconfined but for rlimits and naive guards, after one
         * logged warning. Only for code that is trusted anyway, or a machine that is disposable.
         */
        ALLOW_UNISOLATED
    }

    /** The outcome of one run; {@code output} is the tail of stdout and stderr. */
    public record Result(boolean passed, boolean timedOut, int exitCode, String output) {
        /** A one-line description for a verdict's reason. */
        public String summary() {
            if (passed) return "tests passed";
            if (timedOut) return "timed out";
            String[] lines = output.strip().split("\n");
            String last = lines.length == 0 ? "" : lines[lines.length - 1];
            return "failed (exit " + exitCode + ")"
                    + (last.isEmpty() ? "" : ": " + (last.length() > 200 ? last.substring(0, 200) : last));
        }
    }

    /** No Python interpreter to run code with, or no way to isolate it (and no opt-in to run it unisolated). */
    public static final class SandboxUnavailableException extends IllegalStateException {
        public SandboxUnavailableException(String message) {
            super(message);
        }
    }

    private static final String STARTED = "T2J-SANDBOX-STARTED\n";
    private static final String DID_NOT_START = "the sandbox did not start: ";
    private static final int TAIL_BYTES = 4096;
    private static final int OPEN_FILES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    // Passed with -c, so no file of ours needs to exist where the program runs. The marker arrives on stdin and lives
    // in a function's locals, not module globals, so the program cannot simply look it up. The program's stdin is
    // then at end of file, and input() fails instead of waiting. The guards are for unisolated runs only.
    private static final String WRAPPER = String.join(
            "\n",
            "# t2j-sandbox wrapper: limits, then the program (see t2j.task.real.PythonSandbox)",
            "import os, sys, resource",
            "os.write(1, b'" + STARTED.strip() + "\\n')",
            "def _limit(kind, value):",
            "    hard = resource.getrlimit(kind)[1]",
            "    if hard != resource.RLIM_INFINITY and hard < value:",
            "        value = hard",
            "    resource.setrlimit(kind, (value, value))",
            "def _refuse(what):",
            "    def refuse(*args, **kwargs):",
            "        raise OSError(what + ' is disabled in the sandbox')",
            "    return refuse",
            "def _guard():",
            "    import socket, subprocess",
            "    for name in ('socket', 'create_connection', 'create_server', 'socketpair', 'getaddrinfo', 'fromfd'):",
            "        setattr(socket, name, _refuse('network access'))",
            "    for name in dir(os):",
            "        if name in ('fork', 'forkpty', 'system', 'popen', 'posix_spawn', 'posix_spawnp', 'kill', 'killpg')"
                    + " or name.startswith(('exec', 'spawn')):",
            "            setattr(os, name, _refuse('starting processes'))",
            "    subprocess.Popen = _refuse('starting processes')",
            "def _main():",
            "    mem, cpu, fsize, nproc, nofile = (int(a) for a in sys.argv[1:6])",
            "    guards = sys.argv[6] == 'guards'",
            "    os.environ.clear()",
            "    marker, _, source = sys.stdin.buffer.read().partition(b'\\n')",
            "    marker = marker.decode('ascii')",
            "    with open('solution.py', 'wb') as f:",
            "        f.write(source)",
            "    _limit(resource.RLIMIT_AS, mem)",
            "    _limit(resource.RLIMIT_CPU, cpu)",
            "    _limit(resource.RLIMIT_FSIZE, fsize)",
            "    _limit(resource.RLIMIT_NOFILE, nofile)",
            "    _limit(resource.RLIMIT_CORE, 0)",
            "    _limit(resource.RLIMIT_NPROC, nproc)",
            "    if guards:",
            "        _guard()",
            "    sys.argv = ['solution.py']",
            "    try:",
            "        exec(compile(source, 'solution.py', 'exec'), {'__name__': '__main__', '__builtins__': __builtins__})",
            "    except SystemExit as e:",
            "        print('program called exit(%r) before finishing' % (e.code,), file=sys.stderr)",
            "        sys.stderr.flush()",
            "        os._exit(3)",
            "    sys.stdout.flush()",
            "    sys.stderr.flush()",
            "    os.write(1, ('\\n' + marker + '\\n').encode())",
            "_main()",
            "");

    private final Path interpreter;
    private final Limits limits;
    private final Isolation isolation;
    private final SandboxIsolation.Tools tools;
    private final List<Path> readOnlyPaths;
    private final Consumer<String> log;
    private SandboxIsolation.Probe probe; // found on the first run, under this object's lock
    private boolean warned;

    /** A sandbox using {@code interpreter} (may be {@code null}: every run then throws) that requires isolation. */
    public PythonSandbox(Path interpreter, Limits limits) {
        this(interpreter, limits, Isolation.REQUIRED);
    }

    /** A sandbox using {@code interpreter} (may be {@code null}: every run then throws). */
    public PythonSandbox(Path interpreter, Limits limits, Isolation isolation) {
        this(interpreter, limits, isolation, SandboxIsolation.Tools.find(), List.of(), System.err::println);
    }

    /**
     * For tests: other tool locations, host paths shown read-only at the same place inside (a canary tree), and
     * where the unisolated warning goes.
     */
    PythonSandbox(
            Path interpreter,
            Limits limits,
            Isolation isolation,
            SandboxIsolation.Tools tools,
            List<Path> readOnlyPaths,
            Consumer<String> log) {
        this.interpreter = interpreter;
        this.limits = limits;
        this.isolation = isolation;
        this.tools = tools;
        this.readOnlyPaths = List.copyOf(readOnlyPaths);
        this.log = log;
    }

    /**
     * A sandbox over the interpreter found by {@link #findPython()}, with default limits; isolation is required
     * unless the environment variable {@value #UNISOLATED_ENV} is {@code 1} or {@code true}.
     */
    public static PythonSandbox detect() {
        String optIn = System.getenv(UNISOLATED_ENV);
        boolean unisolated = optIn != null && (optIn.equals("1") || optIn.equalsIgnoreCase("true"));
        return new PythonSandbox(
                findPython().orElse(null),
                Limits.DEFAULT,
                unisolated ? Isolation.ALLOW_UNISOLATED : Isolation.REQUIRED);
    }

    /** {@code /usr/bin/python3} when executable (a system build without pyenv shims), else {@code python3} on PATH. */
    public static Optional<Path> findPython() {
        Path system = Path.of("/usr/bin/python3");
        if (Files.isExecutable(system)) return Optional.of(system);
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "python3");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The interpreter runs use, if any. */
    public Optional<Path> interpreter() {
        return Optional.ofNullable(interpreter);
    }

    /** The limits of each run. */
    public Limits limits() {
        return limits;
    }

    /**
     * How runs will execute, in one line, setting the sandbox up if that has not happened yet: call it before a
     * long training run to fail at once rather than at the first verification.
     *
     * @throws SandboxUnavailableException as {@link #run} would
     */
    public String describe() {
        SandboxIsolation iso = isolationOrNull();
        return iso != null ? iso.description() : "UNISOLATED (" + optInName() + "): " + probe.problem();
    }

    /** Runs {@code program} as a script; see the class comment for the guarantees. */
    public Result run(String program) {
        return execute(isolationOrNull(), program);
    }

    /** The isolation to use, or {@code null} for an opted-in unisolated run; throws when runs are refused. */
    private synchronized SandboxIsolation isolationOrNull() {
        if (interpreter == null || !Files.isExecutable(interpreter))
            throw new SandboxUnavailableException("cannot verify Python code: no python3 interpreter found"
                    + (interpreter == null
                            ? " (looked for /usr/bin/python3 and python3 on PATH)"
                            : " at " + interpreter));
        if (probe == null) probe = trial(SandboxIsolation.probe(interpreter, tools));
        if (probe.isolation() != null) return probe.isolation();
        if (isolation == Isolation.REQUIRED)
            throw new SandboxUnavailableException("refusing to run model-written Python without isolation: "
                    + probe.problem()
                    + ". To run it unisolated anyway (trusted code or a disposable machine only), set " + UNISOLATED_ENV
                    + "=1 or use PythonSandbox.Isolation.ALLOW_UNISOLATED");
        if (!warned) {
            warned = true;
            log.accept("t2j sandbox: WARNING: model-written Python runs WITHOUT isolation (" + optInName() + "): "
                    + probe.problem());
        }
        return null;
    }

    private String optInName() {
        return "opted in with Isolation.ALLOW_UNISOLATED or " + UNISOLATED_ENV + "=1";
    }

    /** Checks a probed isolation with a real run that also confirms the uid, the PID namespace, the read-only /usr and the empty environment. */
    private SandboxIsolation.Probe trial(SandboxIsolation.Probe p) {
        if (p.isolation() == null) return p;
        String check = "import os\nassert os.getuid() == " + SandboxIsolation.SANDBOX_UID + ", os.getuid()\n"
                + "assert os.getpid() == 1, 'no PID namespace: pid %d' % os.getpid()\n"
                + "assert not os.access('/usr', os.W_OK), 'writable /usr'\nassert not os.environ, dict(os.environ)\n";
        try {
            Result r = execute(p.isolation(), check);
            if (r.passed()) return p;
            return SandboxIsolation.Probe.failed("the sandbox started but did not isolate as expected: " + r.summary());
        } catch (SandboxUnavailableException e) {
            String said = e.getMessage().startsWith(DID_NOT_START)
                    ? e.getMessage().substring(DID_NOT_START.length())
                    : e.getMessage();
            return SandboxIsolation.Probe.failed(p.isolation().setupFailed(said));
        }
    }

    private Result execute(SandboxIsolation iso, String program) {
        Path dir = null;
        try {
            long cpuSeconds = Math.max(1, limits.timeout().toSeconds() + 1);
            // Isolated, the cap counts the program's own processes and threads (in its user namespace); unisolated, it
            // would count every process of this user (and does not bind root), so it only stops new ones, as the guards
            // do.
            long nproc = iso != null ? limits.processes() : 0;
            List<String> args = List.of(
                    "-I",
                    "-B",
                    "-c",
                    WRAPPER,
                    Long.toString(limits.memoryBytes()),
                    Long.toString(cpuSeconds),
                    Long.toString(limits.maxFileBytes()),
                    Long.toString(nproc),
                    Integer.toString(OPEN_FILES),
                    iso != null ? "none" : "guards");
            ProcessBuilder pb;
            if (iso != null) {
                pb = new ProcessBuilder(iso.command(limits, readOnlyPaths, args));
            } else {
                dir = Files.createTempDirectory("t2j-sandbox-");
                List<String> cmd = new ArrayList<>(List.of(interpreter.toString()));
                cmd.addAll(args);
                pb = new ProcessBuilder(cmd).directory(dir.toFile());
            }
            pb.environment().clear();
            pb.redirectErrorStream(true);
            String marker = "T2J-SANDBOX-DONE-" + HexFormat.of().formatHex(randomBytes());
            Process p = pb.start();
            boolean isolated = iso != null;
            SandboxOutput out =
                    SandboxOutput.start(p.getInputStream(), limits.outputBytes(), TAIL_BYTES, () -> stop(p, isolated));
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write((marker + "\n" + program).getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the program may already have died; its exit status tells
            }
            boolean finished = p.waitFor(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!finished || !isolated) stop(p, isolated); // unisolated, background children are ours to stop too
            p.waitFor(5, TimeUnit.SECONDS);
            out.await(5_000);
            boolean overOutput = out.exceeded();
            boolean timedOut = !finished && !overOutput;
            if (finished && !overOutput && !out.startsWith(STARTED))
                throw new SandboxUnavailableException(DID_NOT_START + out.tail().strip());
            String output = out.tail();
            if (output.startsWith(STARTED)) output = output.substring(STARTED.length());
            if (overOutput)
                output +=
                        "\n[sandbox] the program printed more than " + limits.outputBytes() + " bytes; it was stopped";
            int code = finished && !overOutput ? p.exitValue() : -1;
            boolean passed = finished && !overOutput && code == 0 && output.contains(marker);
            return new Result(passed, timedOut, code, output.replace(marker, "").strip());
        } catch (IOException e) {
            throw new UncheckedIOException("sandbox: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sandbox run interrupted", e);
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    /**
     * Stops a run. Isolated, killing the interpreter (bwrap's child, pid 1 of the run's namespace) takes every
     * process of the run with it, and bwrap reaps it and exits; killing bwrap first would orphan the interpreter
     * (see {@link SandboxIsolation}), so bwrap is killed only if it outlives its child. Unisolated, every
     * descendant is killed (one that detached is out of reach: that is what isolation is for).
     */
    private static void stop(Process p, boolean isolated) {
        if (isolated) {
            p.children().forEach(ProcessHandle::destroyForcibly);
            try {
                if (p.waitFor(2, TimeUnit.SECONDS)) return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        // Through the handle: Process.destroyForcibly also closes our end of the output pipe, and what the program
        // printed last (the pass marker, the error) would be lost.
        p.toHandle().destroyForcibly();
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void deleteTree(Path dir) {
        try {
            ScratchDirs.delete(dir);
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp dir is not worth failing a verdict over
        }
    }
}
