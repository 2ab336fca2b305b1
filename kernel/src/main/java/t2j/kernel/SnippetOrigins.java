package t2j.kernel;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each JShell snippet came from. JShell numbers lines per snippet and names frames after snippet ids
 * ({@code #12}); users think in notebook cells ({@code In [3]}) and lines within them.
 */
final class SnippetOrigins {
    /** @param firstLine 1-based line of the cell on which the snippet starts */
    record Origin(int cell, int firstLine) {
        int cellLine(int snippetLine) {
            return firstLine + Math.max(snippetLine, 1) - 1;
        }

        String describe(int snippetLine) {
            return "cell [" + cell + "], line " + cellLine(snippetLine);
        }
    }

    private final Map<String, Origin> bySnippetId = new ConcurrentHashMap<>();

    void record(String snippetId, int cell, int firstLine) {
        bySnippetId.put(snippetId, new Origin(cell, firstLine));
    }

    /** The origin of a stack frame from a cell, or empty for library and JDK frames. */
    Optional<Origin> of(StackTraceElement frame) {
        String file = frame.getFileName();
        if (file == null || !file.startsWith("#")) {
            return Optional.empty();
        }
        return Optional.ofNullable(bySnippetId.get(file.substring(1)));
    }
}
