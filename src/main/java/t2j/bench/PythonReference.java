package t2j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyTorch reference decoder ({@code hf_reference.py}, shipped as a resource) with Debian's
 * {@code /usr/bin/python3}. Used by the conformance test and the benchmarks; absent torch is reported, not hidden.
 */
public final class PythonReference {
    private static final String PYTHON = "/usr/bin/python3";

    private PythonReference() {}

    /** Null when python3 with torch is usable, else the reason it is not. */
    public static String unavailableReason() {
        if (!Files.isExecutable(Path.of(PYTHON)))
            return PYTHON + " not found (apt-get install python3-torch python3-numpy)";
        try {
            Result r = run(List.of("-c", "import torch, numpy"), 120);
            return r.exit == 0
                    ? null
                    : "python3-torch/python3-numpy not installed (apt-get install python3-torch python3-numpy): "
                            + r.output.strip();
        } catch (IOException e) {
            return "cannot run " + PYTHON + ": " + e.getMessage();
        }
    }

    /** The outcome of a run: exit status and combined output. */
    public record Result(int exit, String output) {}

    /** Runs {@code hf_reference.py} with the given arguments. */
    public static Result reference(List<String> args, int timeoutSeconds) throws IOException {
        Path script = Files.createTempFile("hf_reference", ".py");
        try (InputStream in = PythonReference.class.getResourceAsStream("/t2j/bench/hf_reference.py")) {
            if (in == null) throw new IOException("hf_reference.py missing from the classpath");
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            List<String> all = new ArrayList<>();
            all.add(script.toString());
            all.addAll(args);
            return run(all, timeoutSeconds);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static Result run(List<String> args, int timeoutSeconds) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "timed out after " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
