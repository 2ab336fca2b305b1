package t2j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.VarSnippet;

/**
 * Evaluates one notebook cell: splits it into JShell snippets, runs them in order, stops at the first
 * failure, and returns the value of the last expression, IPython style (a trailing {@code ;} hides it).
 * It also tells the user when a redefinition reset variables declared earlier.
 */
final class CellEvaluator {
    /** What a cell produced: its last expression's value, if it has one to show. */
    record Outcome(boolean hasValue, Object value) {
        static final Outcome NONE = new Outcome(false, null);
    }

    private final JShell shell;
    private final InProcessExecutionControl control;
    private final SnippetOrigins origins = new SnippetOrigins();
    private final CellErrors errors;

    CellEvaluator(JShell shell, InProcessExecutionControl control) {
        this.shell = shell;
        this.control = control;
        this.errors = new CellErrors(shell, origins);
    }

    /**
     * @param cell the execution count shown as {@code In [n]}, used to name cells in errors
     * @throws CellError on the first snippet that does not compile or throws
     */
    Outcome eval(String code, int cell) {
        control.forgetResults();
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        Outcome last = Outcome.NONE;
        String rest = code;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            boolean complete = info.completeness().isComplete() && info.source() != null;
            // An incomplete tail is compiled as is, so javac explains what is missing at the right line.
            String source = complete ? info.source() : rest;
            String next = complete ? info.remaining() : "";
            // JShell miscounts frame lines of a snippet that starts with blank lines: drop them, count them here.
            String stripped = source.stripLeading();
            int start = code.length() - rest.length() + (source.length() - stripped.length());
            last = evalSnippet(stripped, cell, lineOf(code, start));
            rest = next;
        }
        return code.strip().endsWith(";") ? Outcome.NONE : last;
    }

    private Outcome evalSnippet(String source, int cell, int firstLine) {
        List<SnippetEvent> events = shell.eval(source);
        warnAboutResetVariables(events);
        Outcome outcome = Outcome.NONE;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue;
            }
            Snippet snippet = event.snippet();
            origins.record(snippet.id(), cell, firstLine);
            if (event.status() == Snippet.Status.REJECTED) {
                throw errors.compile(
                        shell.diagnostics(snippet).toList(), source, new SnippetOrigins.Origin(cell, firstLine));
            }
            if (event.exception() != null) {
                throw errors.runtime(event.exception(), new SnippetOrigins.Origin(cell, firstLine));
            }
            if (event.status() == Snippet.Status.RECOVERABLE_DEFINED
                    || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                DeclarationSnippet declaration = (DeclarationSnippet) snippet;
                System.err.println("note: '" + declaration.name() + "' is declared but cannot be used until "
                        + String.join(
                                ", ", shell.unresolvedDependencies(declaration).toList()) + " is declared");
            }
            outcome = isValue(snippet)
                    ? new Outcome(true, control.takeResult(event.value(), event.value()))
                    : Outcome.NONE;
        }
        return outcome;
    }

    /**
     * JShell replaces the wrapper class of every variable whose declaration depends on a redefined method or
     * type; when the kernel cannot redefine that class in place (no agent, or the shape changed), the variable
     * restarts at 0/null. That must not pass silently.
     */
    private void warnAboutResetVariables(List<SnippetEvent> events) {
        Set<String> replaced = control.drainReplacedSnippetIds();
        List<String> reset = new ArrayList<>();
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null
                    && event.snippet() instanceof VarSnippet
                    && event.status().isActive()
                    && replaced.contains(event.snippet().id())) {
                reset.add(((VarSnippet) event.snippet()).name());
            }
        }
        if (!reset.isEmpty()) {
            System.err.println("warning: this redefinition reset " + String.join(", ", reset)
                    + " to " + (reset.size() == 1 ? "its" : "their") + " default value (0/null/false): "
                    + "a type or signature it depends on changed. Re-run the cells that set "
                    + (reset.size() == 1 ? "it." : "them."));
        }
    }

    private static boolean isValue(Snippet snippet) {
        return snippet instanceof ExpressionSnippet || snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
