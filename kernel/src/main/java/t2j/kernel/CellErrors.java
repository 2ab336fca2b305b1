package t2j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Turns JShell's failures into {@link CellError}s that read like the user's own program failed: the real
 * exception type, the message, and only the frames down to the user's outermost cell frame, each mapped to
 * a cell and line. The kernel's own wrapper and reflection frames are cut.
 */
final class CellErrors {
    private static final String RED = "\u001b[0;31m";
    private static final String CYAN = "\u001b[0;36m";
    private static final String RESET = "\u001b[0m";
    /** Cell-defined types are nested in wrappers named REPL.$JShell$12 or REPL.$JShell$12B. */
    private static final Pattern WRAPPER_PREFIX = Pattern.compile("^REPL\\.\\$JShell\\$\\d+[A-Z]*\\$");

    private static final Pattern WRAPPER_LOCATION = Pattern.compile("\\n\\s*location: class\\s*(?=\\n|$)");
    private static final int MAX_LIBRARY_FRAMES = 12;

    private final JShell shell;
    private final SnippetOrigins origins;

    CellErrors(JShell shell, SnippetOrigins origins) {
        this.shell = shell;
        this.origins = origins;
    }

    /**
     * A snippet that compiled but threw, or used a declaration that is not defined yet. {@code origin} is where the
     * snippet starts: the place to point at when the JVM recorded no frames.
     */
    CellError runtime(JShellException thrown, SnippetOrigins.Origin origin) {
        if (thrown instanceof UnresolvedReferenceException) {
            DeclarationSnippet snippet = ((UnresolvedReferenceException) thrown).getSnippet();
            String message = snippet.kind().name().toLowerCase(Locale.ROOT) + " '" + snippet.name()
                    + "' cannot be used until "
                    + String.join(", ", shell.unresolvedDependencies(snippet).toList())
                    + " is declared";
            return new CellError(
                    "UnresolvedReference", message, List.of(RED + "UnresolvedReference" + RESET + ": " + message));
        }
        List<String> traceback = new ArrayList<>();
        String name = userName(thrown);
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            String head = RED + userName(t) + RESET + (t.getMessage() == null ? "" : ": " + t.getMessage());
            traceback.add(t == thrown ? head : "Caused by: " + head);
            traceback.addAll(frames(t.getStackTrace()));
        }
        if (thrown.getStackTrace().length == 0) {
            // HotSpot fills in the stacks of only its first few OutOfMemoryErrors (4 per JVM, whichever threads hit
            // them); exceptions built without a writable stack have none either. The cell is still known.
            traceback.add("    in " + CYAN + "cell [" + origin.cell() + "]" + RESET
                    + " (the JVM recorded no stack trace for this error, so no line can be named)");
        }
        return new CellError(name, thrown.getMessage() == null ? "" : thrown.getMessage(), traceback);
    }

    /** A snippet javac rejected; points at the cell line and underlines the offending code. */
    CellError compile(List<Diag> diagnostics, String snippetSource, SnippetOrigins.Origin origin) {
        List<String> traceback = new ArrayList<>();
        String summary = null;
        for (Diag d : diagnostics) {
            if (!d.isError()) {
                continue;
            }
            int position = (int) Math.max(0, Math.min(d.getStartPosition(), snippetSource.length()));
            int end = (int) Math.max(position + 1, Math.min(d.getEndPosition(), snippetSource.length()));
            int lineStart = snippetSource.lastIndexOf('\n', position - 1) + 1;
            int lineEnd = snippetSource.indexOf('\n', position);
            lineEnd = lineEnd < 0 ? snippetSource.length() : lineEnd;
            int snippetLine = 1
                    + (int) snippetSource
                            .substring(0, lineStart)
                            .chars()
                            .filter(c -> c == '\n')
                            .count();
            // javac names the invisible wrapper class as the location; it means nothing to the user.
            String message = WRAPPER_LOCATION.matcher(d.getMessage(Locale.ROOT)).replaceAll("");
            if (summary == null) {
                summary = message.lines().findFirst().orElse(message) + " (" + origin.describe(snippetLine) + ")";
            }
            traceback.add(RED + "Compile error" + RESET + " in " + CYAN + origin.describe(snippetLine) + RESET + ": "
                    + message);
            traceback.add("    " + snippetSource.substring(lineStart, lineEnd));
            traceback.add("    " + " ".repeat(position - lineStart) + RED
                    + "^".repeat(Math.max(1, Math.min(end, lineEnd) - position)) + RESET);
        }
        if (summary == null) {
            summary = "the snippet was rejected (" + origin.describe(1) + ")";
            traceback.add(RED + "Compile error" + RESET + ": " + summary);
        }
        return new CellError("CompileError", summary, traceback);
    }

    private List<String> frames(StackTraceElement[] stack) {
        int lastCellFrame = -1;
        for (int i = 0; i < stack.length; i++) {
            if (origins.of(stack[i]).isPresent()) {
                lastCellFrame = i;
            }
        }
        int end = lastCellFrame >= 0 ? lastCellFrame + 1 : Math.min(stack.length, MAX_LIBRARY_FRAMES);
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < end; i++) {
            shown.add("    at " + frame(stack[i]));
        }
        List<String> lines = RepeatedFrames.collapse(shown);
        if (lastCellFrame < 0 && stack.length > end) {
            lines.add("    ... " + (stack.length - end) + " more");
        }
        return lines;
    }

    /** JShell has already renamed cell frames: wrapper class and do_it$ become "", file names become #id. */
    private String frame(StackTraceElement e) {
        Optional<SnippetOrigins.Origin> origin = origins.of(e);
        if (origin.isEmpty()) {
            return e.toString();
        }
        String where = CYAN + origin.get().describe(e.getLineNumber()) + RESET;
        if (e.getMethodName().isEmpty()) {
            return where;
        }
        String owner = e.getClassName();
        return (owner.isEmpty() ? "" : owner + ".") + e.getMethodName() + " (" + where + ")";
    }

    private static String userName(Throwable t) {
        String className = t instanceof EvalException
                ? ((EvalException) t).getExceptionClassName()
                : t.getClass().getName();
        return WRAPPER_PREFIX.matcher(className).replaceFirst("");
    }
}
