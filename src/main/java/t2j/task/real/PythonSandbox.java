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
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs untrusted Python (a model's MBPP/HumanEval answer plus the tests) in a separate {@code python3} process.
 *
 * <p>Each run gets a fresh temporary working directory (deleted afterwards), an empty environment, isolated
 * mode ({@code -I}), a wall-clock timeout (the process tree is killed), and limits set by a small wrapper with
 * {@code resource.setrlimit}: address space, CPU seconds, file size, no core dumps, no new processes (the
 * process limit does not bind root, so the wrapper also replaces {@code os}'s fork/exec/spawn/system functions
 * and {@code subprocess.Popen}). Network access is removed by running under {@code unshare -rn} where that
 * works, and in any case the wrapper replaces the {@code socket} module's constructors. A run passes only if the program finishes normally: exit status 0
 * and the wrapper's per-run random marker printed after the code returned, so {@code sys.exit(0)} or
 * {@code os._exit(0)} before the tests cannot fake a pass. This stops accidents and naive escapes, not a
 * determined attacker with introspection; do not run it on hostile input outside a container.
 *
 * <p>When no interpreter exists ({@code /usr/bin/python3}, else {@code python3} on {@code PATH}), {@link #run}
 * throws {@link SandboxUnavailableException} rather than scoring every answer wrong, so a training run fails
 * loudly instead of learning from all-negative rewards.
 *
 * <pre>{@code
 * PythonSandbox.Result r = PythonSandbox.detect().run("assert 1 + 1 == 2");
 * if (!r.passed()) System.out.println(r.summary());
 * }</pre>
 */
public final class PythonSandbox {

    /** Bounds for one run. */
    public record Limits(Duration timeout, long memoryBytes, long maxFileBytes) {
        /** 10 s, 1 GiB of address space, 16 MiB per written file. */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), 1L << 30, 16L << 20);
    }

    /** The outcome of one run; {@code output} is the tail of stdout and stderr. */
    public record Result(boolean passed, boolean timedOut, int exitCode, String output) {
        /** A one-line description for a verdict's reason. */
        public String summary() {
            if (passed) return "tests passed";
            if (timedOut) return "timed out";
            String[] lines = output.strip().split("\n");
            String last = lines.length == 0 ? "" : lines[lines.length - 1];
            return "failed (exit " + exitCode + ")" + (last.isEmpty() ? "" : ": " + (last.length() > 200 ? last.substring(0, 200) : last));
        }
    }

    /** No Python interpreter to run code with. */
    public static final class SandboxUnavailableException extends IllegalStateException {
        public SandboxUnavailableException(String message) { super(message); }
    }

    // The marker lives in a function's locals, not module globals, so the program cannot simply look it up.
    private static final String WRAPPER = String.join("\n",
            "import os, sys, resource",
            "def _limit(kind, value):",
            "    try:",
            "        resource.setrlimit(kind, (value, value))",
            "    except (ValueError, OSError):",
            "        pass",
            "def _no_network(*args, **kwargs):",
            "    raise OSError('network access is disabled in the sandbox')",
            "def _no_process(*args, **kwargs):",
            "    raise OSError('starting processes is disabled in the sandbox')",
            "def _main():",
            "    mem, cpu, fsize = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])",
            "    marker = sys.stdin.readline().strip()",
            "    _limit(resource.RLIMIT_AS, mem)",
            "    _limit(resource.RLIMIT_CPU, cpu)",
            "    _limit(resource.RLIMIT_FSIZE, fsize)",
            "    _limit(resource.RLIMIT_CORE, 0)",
            "    _limit(resource.RLIMIT_NPROC, 0)",
            "    import socket",
            "    for name in ('socket', 'create_connection', 'create_server', 'socketpair', 'getaddrinfo', 'fromfd'):",
            "        setattr(socket, name, _no_network)",
            "    import subprocess",
            "    for name in dir(os):",
            "        if name in ('fork', 'forkpty', 'system', 'popen', 'posix_spawn', 'posix_spawnp', 'kill', 'killpg')"
                    + " or name.startswith(('exec', 'spawn')):",
            "            setattr(os, name, _no_process)",
            "    subprocess.Popen = _no_process",
            "    with open('solution.py', encoding='utf-8') as f:",
            "        source = f.read()",
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

    private static Boolean unshareWorks;

    private final Path interpreter;
    private final Limits limits;

    /** A sandbox using {@code interpreter} (may be {@code null}: every run then throws). */
    public PythonSandbox(Path interpreter, Limits limits) {
        this.interpreter = interpreter;
        this.limits = limits;
    }

    /** A sandbox over the interpreter found by {@link #findPython()}, with default limits. */
    public static PythonSandbox detect() {
        return new PythonSandbox(findPython().orElse(null), Limits.DEFAULT);
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

    /** Runs {@code program} as a script; see the class comment for the guarantees. */
    public Result run(String program) {
        if (interpreter == null || !Files.isExecutable(interpreter))
            throw new SandboxUnavailableException("cannot verify Python code: no python3 interpreter found"
                    + (interpreter == null ? " (looked for /usr/bin/python3 and python3 on PATH)" : " at " + interpreter));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("t2j-sandbox-");
            Files.writeString(dir.resolve("solution.py"), program, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("_wrapper.py"), WRAPPER, StandardCharsets.UTF_8);
            Path out = dir.resolve("_output.txt");
            long cpuSeconds = Math.max(1, limits.timeout().toSeconds() + 1);
            List<String> cmd = new ArrayList<>();
            if (canUnshare()) cmd.addAll(List.of("unshare", "-rn"));
            cmd.addAll(List.of(interpreter.toString(), "-I", "-B", "_wrapper.py",
                    Long.toString(limits.memoryBytes()), Long.toString(cpuSeconds), Long.toString(limits.maxFileBytes())));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/bin:/bin");
            pb.environment().put("HOME", dir.toString());
            pb.environment().put("LANG", "C.UTF-8");
            String marker = "T2J-SANDBOX-DONE-" + HexFormat.of().formatHex(randomBytes());
            Process p = pb.start();
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write((marker + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the program may already have died; its exit status tells
            }
            boolean finished = p.waitFor(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            String output = tail(out, 4096);
            int code = finished ? p.exitValue() : -1;
            boolean passed = finished && code == 0 && output.contains(marker);
            return new Result(passed, !finished, code, output.replace(marker, "").strip());
        } catch (IOException e) {
            throw new UncheckedIOException("sandbox: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sandbox run interrupted", e);
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static synchronized boolean canUnshare() {
        if (unshareWorks == null) {
            boolean ok;
            try {
                Process p = new ProcessBuilder("unshare", "-rn", "true").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                ok = p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
                if (!ok) p.destroyForcibly();
            } catch (IOException e) {
                ok = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ok = false;
            }
            unshareWorks = ok;
        }
        return unshareWorks;
    }

    private static String tail(Path file, int max) throws IOException {
        if (!Files.exists(file)) return "";
        byte[] all = Files.readAllBytes(file);
        int from = Math.max(0, all.length - max);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp dir is not worth failing a verdict over
        }
    }
}
