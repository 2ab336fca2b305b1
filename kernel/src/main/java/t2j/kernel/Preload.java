package t2j.kernel;

import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;

/**
 * What every notebook has without asking, so the first cell can start with the method rather than set-up.
 * Keep this the one place to edit; {@code PreloadTest} fails when a listed package disappears.
 */
final class Preload {
    static final List<String> IMPORTS = List.of(
            // display(), render(), updateDisplay() as in IJava/JJava
            "import static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.*;",
            // the Transformer² notebook DSL
            "import t2j.dsl.*;",
            // the engine packages a notebook touches (not cli, bench, json, util: plumbing)
            "import t2j.model.*;",
            "import t2j.tensor.*;",
            "import t2j.io.*;",
            "import t2j.tokenizer.*;",
            "import t2j.generate.*;",
            "import t2j.svf.*;",
            "import t2j.task.*;",
            "import t2j.adapter.*;",
            "import t2j.prompt.*;",
            "import t2j.train.*;",
            "import t2j.adapt.*;",
            // charts and tables
            "import org.knowm.xchart.*;",
            "import tech.tablesaw.api.*;",
            // what the jshell tool imports by default
            "import java.io.*;",
            "import java.math.*;",
            "import java.net.*;",
            "import java.nio.file.*;",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "import java.util.function.*;",
            "import java.util.regex.*;",
            "import java.util.stream.*;");

    private Preload() {}

    /** Evaluates the imports; returns those that failed (a moved package), which must not stop the kernel. */
    static List<String> importInto(JShell shell, List<String> imports) {
        return imports.stream()
                .filter(source -> shell.eval(source).stream()
                        .anyMatch(e -> e.causeSnippet() == null && e.status() != Snippet.Status.VALID))
                .toList();
    }
}
