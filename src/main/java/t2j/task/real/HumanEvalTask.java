package t2j.task.real;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Verdict;

/**
 * HumanEval in its release format ({@code .jsonl} or {@code .jsonl.gz}): {@code task_id}, {@code prompt}
 * (signature and docstring), {@code canonical_solution} (the body), {@code test} (defining {@code check}) and
 * {@code entry_point}.
 *
 * <p>The model is asked to complete the function. The verifier takes the first fenced block (else the whole
 * completion); if it does not define the entry point it is treated as a continuation of the prompt. The code, the
 * test and {@code check(entry_point)} then run in a {@link PythonSandbox}. Without a Python interpreter, or without
 * the isolation the sandbox requires, {@link #verify} throws {@link PythonSandbox.SandboxUnavailableException}.
 *
 * <pre>{@code
 * HumanEvalTask t = HumanEvalTask.load(Map.of(Split.TEST, Path.of("HumanEval.jsonl.gz")), LoadOptions.DEFAULT.withTransfer(10, 16));
 * }</pre>
 */
public final class HumanEvalTask extends DatasetTask {
    private record Problem(String prompt, String test, String entryPoint) {}

    private final Map<String, Problem> problems = new ConcurrentHashMap<>();
    private PythonSandbox sandbox = PythonSandbox.detect();

    private HumanEvalTask(Map<Split, Path> files, LoadOptions options, Map<String, Problem> problems) {
        super("humaneval", "code", files, options, (row, id) -> parse(row, problems));
    }

    /** Loads the given split files. */
    public static HumanEvalTask load(Map<Split, Path> files, LoadOptions options) {
        Map<String, Problem> problems = new ConcurrentHashMap<>();
        HumanEvalTask t = new HumanEvalTask(files, options, problems);
        t.problems.putAll(problems);
        return t;
    }

    /** Uses {@code sandbox} to run code (e.g. with other limits); returns this. */
    public HumanEvalTask withSandbox(PythonSandbox sandbox) {
        this.sandbox = sandbox;
        return this;
    }

    private static Example parse(Row row, Map<String, Problem> problems) {
        String id = row.text("task_id");
        String stub = row.string("prompt");
        String entry = row.string("entry_point");
        if (!entry.matches("[A-Za-z_][A-Za-z0-9_]*"))
            throw new IllegalArgumentException("entry_point is not an identifier");
        if (problems.putIfAbsent(id, new Problem(stub, row.string("test"), entry)) != null)
            throw new IllegalArgumentException("duplicate task_id " + id);
        String solution = stub + row.string("canonical_solution");
        String prompt = "Complete this Python function:\n" + PythonCode.fenced(stub);
        return new Example(id, null, prompt, solution, PythonCode.fenced(solution));
    }

    @Override
    public Verdict verify(Example example, String completion) {
        Problem p = problems.get(example.id());
        if (p == null)
            throw new IllegalArgumentException("example " + example.id() + " is not from this HumanEval task");
        String code = PythonCode.extract(completion);
        if (code.isBlank()) return Verdict.wrong(null, "no code in the completion");
        if (!code.matches("(?s).*\\bdef\\s+" + p.entryPoint() + "\\s*\\(.*")) code = p.prompt() + code;
        PythonSandbox.Result r = sandbox.run(code + "\n\n" + p.test() + "\n\ncheck(" + p.entryPoint() + ")\n");
        return Verdict.of(r.passed(), code, r.summary());
    }
}
