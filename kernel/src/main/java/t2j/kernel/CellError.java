package t2j.kernel;

import java.util.List;

/**
 * A cell's failure as Jupyter shows it: {@code ename} is the user's exception type (not a kernel wrapper),
 * {@code evalue} its message, and the traceback lines point at cells and lines the user wrote.
 */
final class CellError extends RuntimeException {
    private final String name;
    private final List<String> traceback;

    CellError(String name, String message, List<String> traceback) {
        super(message, null, false, false);
        this.name = name;
        this.traceback = List.copyOf(traceback);
    }

    String name() {
        return name;
    }

    List<String> traceback() {
        return traceback;
    }
}
