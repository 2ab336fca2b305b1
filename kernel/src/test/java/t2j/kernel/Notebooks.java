package t2j.kernel;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal nbformat-4 notebooks for the script and browser tests. */
final class Notebooks {
    private Notebooks() {}

    static Path write(Path file, String kernelName, String... codeCells) throws IOException {
        List<Map<String, Object>> cells = new ArrayList<>();
        cells.add(Map.of("cell_type", "markdown", "metadata", Map.of(), "source", "# test notebook"));
        for (String code : codeCells) {
            Map<String, Object> cell = new LinkedHashMap<>();
            cell.put("cell_type", "code");
            cell.put("execution_count", null);
            cell.put("metadata", Map.of());
            cell.put("outputs", List.of());
            cell.put("source", code);
            cells.add(cell);
        }
        Map<String, Object> notebook = new LinkedHashMap<>();
        notebook.put("cells", cells);
        notebook.put(
                "metadata",
                Map.of("kernelspec", Map.of("name", kernelName, "display_name", "Java (t2j)", "language", "java")));
        notebook.put("nbformat", 4);
        notebook.put("nbformat_minor", 4);
        Files.writeString(file, new GsonBuilder().serializeNulls().create().toJson(notebook));
        return file;
    }
}
