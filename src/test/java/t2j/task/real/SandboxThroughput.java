package t2j.task.real;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs per second of a trivial program, isolated and unisolated, one at a time and from several threads: how much
 * isolation costs HumanEval/MBPP verification. For scale, the same for a bare {@code python3 -I -c PROGRAM} (no
 * wrapper, no limits, no checks). Not a test (timings on a shared machine are no pass/fail matter); run it by hand
 * after {@code mvn -pl src test-compile}:
 *
 * <pre>
 * java -cp src/target/test-classes:src/target/classes t2j.task.real.SandboxThroughput [runs] [threads]
 * </pre>
 */
public final class SandboxThroughput {
    private static final String TRIVIAL = "def add(a, b):\n    return a + b\n\nassert add(1, 2) == 3\n";

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path python = PythonSandbox.findPython().orElseThrow(() -> new IllegalStateException("no python3"));
        PythonSandbox isolated = new PythonSandbox(python, PythonSandbox.Limits.DEFAULT);
        PythonSandbox unisolated = new PythonSandbox(
                python,
                PythonSandbox.Limits.DEFAULT,
                PythonSandbox.Isolation.ALLOW_UNISOLATED,
                new SandboxIsolation.Tools(null, null),
                List.of(),
                message -> {});
        System.out.println("isolation: " + isolated.describe());
        System.out.printf(
                "%d runs of a trivial program, %d cores%n",
                runs, Runtime.getRuntime().availableProcessors());
        Callable<Boolean> bare = () -> {
            Process p = new ProcessBuilder(python.toString(), "-I", "-c", TRIVIAL)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        };
        for (int round = 0; round < 2; round++) { // the first round warms up the JIT and the page cache
            for (var e : List.<Map.Entry<String, Callable<Boolean>>>of(
                    Map.entry("isolated", () -> isolated.run(TRIVIAL).passed()),
                    Map.entry("unisolated", () -> unisolated.run(TRIVIAL).passed()),
                    Map.entry("bare python", bare))) {
                double seq = measure(e.getValue(), runs, 1);
                double par = measure(e.getValue(), runs, threads);
                if (round == 1)
                    System.out.printf(
                            "%-11s %6.1f runs/s sequential, %6.1f runs/s with %d threads%n",
                            e.getKey(), seq, par, threads);
            }
        }
    }

    private static double measure(Callable<Boolean> run, int runs, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<Boolean>> done = new ArrayList<>();
            for (int i = 0; i < runs; i++) done.add(pool.submit(run));
            for (Future<Boolean> f : done) if (!f.get()) throw new IllegalStateException("a trivial run failed");
            return runs / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }
}
