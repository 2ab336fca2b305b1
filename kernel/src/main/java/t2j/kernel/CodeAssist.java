package t2j.kernel;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Documentation;
import jdk.jshell.SourceCodeAnalysis.Suggestion;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * Tab completion, Shift-Tab inspection and is-complete, from JShell's source analysis. JShell analyses one
 * snippet at a time, so each request first finds the snippet of the cell the cursor is in.
 */
final class CodeAssist {
    private static final String INDENT = "    ";

    private final JShell shell;

    CodeAssist(JShell shell) {
        this.shell = shell;
    }

    ReplacementOptions complete(String code, int cursor) {
        int start = snippetStart(code, cursor);
        int[] anchor = new int[1];
        List<Suggestion> suggestions =
                analysis().completionSuggestions(code.substring(start, cursor), cursor - start, anchor);
        // Type-matching suggestions first, as JShell's own tool lists them.
        Set<String> replacements = new LinkedHashSet<>();
        suggestions.stream()
                .filter(Suggestion::matchesType)
                .map(Suggestion::continuation)
                .forEach(replacements::add);
        suggestions.stream().map(Suggestion::continuation).forEach(replacements::add);
        if (replacements.isEmpty()) {
            return null;
        }
        return new ReplacementOptions(List.copyOf(replacements), start + anchor[0], cursor);
    }

    DisplayData inspect(String code, int cursor) {
        int start = snippetStart(code, cursor);
        List<Documentation> docs = analysis().documentation(code.substring(start, cursor), cursor - start, true);
        if (docs.isEmpty()) {
            return null;
        }
        String text = docs.stream()
                .map(d -> d.javadoc() == null || d.javadoc().isBlank()
                        ? d.signature()
                        : d.signature() + "\n\n" + d.javadoc())
                .collect(Collectors.joining("\n\n"));
        return new DisplayData(text);
    }

    /** Jupyter's verdict on whether Enter should run the cell (console front ends ask). */
    String isComplete(String code) {
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis().analyzeCompletion(rest);
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> rest = info.remaining() == null ? "" : info.remaining();
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return INDENT;
                }
                default -> {
                    return BaseKernel.IS_COMPLETE_BAD;
                }
            }
        }
        return BaseKernel.IS_COMPLETE_YES;
    }

    /** Offset in {@code code} where the snippet containing {@code cursor} begins. */
    private int snippetStart(String code, int cursor) {
        int start = 0;
        while (start < cursor) {
            CompletionInfo info = analysis().analyzeCompletion(code.substring(start, cursor));
            String remaining = info.remaining();
            if (!info.completeness().isComplete() || remaining == null || remaining.isBlank()) {
                break;
            }
            int next = cursor - remaining.length();
            if (next <= start) {
                break;
            }
            start = next;
        }
        return start;
    }

    private SourceCodeAnalysis analysis() {
        return shell.sourceCodeAnalysis();
    }
}
