package t2j.task.real;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Verdict;

/**
 * MBPP in its jsonl release format: {@code task_id}, {@code text} (the description), {@code code} (reference
 * solution), {@code test_list} (assert statements) and optional {@code test_setup_code}.
 *
 * <p>The prompt is the description followed by the tests, as in the MBPP paper. The verifier runs the model's
 * code (the first fenced block, else the whole completion) followed by the setup code and every assert in a
 * {@link PythonSandbox}; it passes only if the script finishes normally. Without a Python interpreter, or without
 * the isolation the sandbox requires, {@link #verify} throws {@link PythonSandbox.SandboxUnavailableException}.
 *
 * <pre>{@code
 * MbppTask t = MbppTask.load(Map.of(Split.TEST, Path.of("mbpp.jsonl")), LoadOptions.DEFAULT);
 * Verdict v = t.verify(e, "```python\ndef add(a, b):\n    return a + b\n```");
 * }</pre>
 */
public final class MbppTask extends DatasetTask {
    // Tests are not part of Example, so they are kept by id; Example ids from one load are unique.
    private final Map<String, List<String>> tests = new ConcurrentHashMap<>();
    private PythonSandbox sandbox = PythonSandbox.detect();

    private MbppTask(Map<Split, Path> files, LoadOptions options, Map<String, List<String>> tests) {
        super("mbpp", "code", files, options, (row, id) -> parse(row, tests));
    }

    /** Loads the given split files. */
    public static MbppTask load(Map<Split, Path> files, LoadOptions options) {
        Map<String, List<String>> tests = new ConcurrentHashMap<>();
        MbppTask t = new MbppTask(files, options, tests);
        t.tests.putAll(tests);
        return t;
    }

    /** Uses {@code sandbox} to run code (e.g. with other limits); returns this. */
    public MbppTask withSandbox(PythonSandbox sandbox) {
        this.sandbox = sandbox;
        return this;
    }

    static Example parse(Row row, Map<String, List<String>> tests) {
        String id = "mbpp-" + row.text("task_id");
        List<String> asserts = new ArrayList<>();
        for (Object t : row.list("test_list")) {
            if (!(t instanceof String s)) throw new IllegalArgumentException("test_list holds a non-string");
            asserts.add(s);
        }
        if (asserts.isEmpty()) throw new IllegalArgumentException("test_list is empty");
        String setup = row.optionalString("test_setup_code");
        List<String> program = new ArrayList<>();
        if (setup != null && !setup.isBlank()) program.add(setup);
        program.addAll(asserts);
        if (tests.putIfAbsent(id, List.copyOf(program)) != null)
            throw new IllegalArgumentException("duplicate task_id " + id);
        String prompt = row.string("text") + "\nYour code should pass these tests:\n" + String.join("\n", asserts);
        String code = row.string("code").replace("\r\n", "\n");
        return new Example(id, null, prompt, code, PythonCode.fenced(code));
    }

    @Override
    public Verdict verify(Example example, String completion) {
        List<String> t = tests.get(example.id());
        if (t == null) throw new IllegalArgumentException("example " + example.id() + " is not from this MBPP task");
        String code = PythonCode.extract(completion);
        if (code.isBlank()) return Verdict.wrong(null, "no code in the completion");
        PythonSandbox.Result r = sandbox.run(code + "\n\n" + String.join("\n", t) + "\n");
        return Verdict.of(r.passed(), code, r.summary());
    }
}
