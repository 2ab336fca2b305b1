package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import t2j.json.Json;

/** The verdict NotebooksExecutedTest gives an executed notebook, on hand-written ipynb JSON (no Jupyter needed). */
class NotebookProblemsTest {
    private static final String MARKDOWN = "{\"cell_type\":\"markdown\",\"source\":\"# t\"}";
    private static final String CHART = "{\"cell_type\":\"code\",\"execution_count\":1,\"outputs\":[{\"output_type\":"
            + "\"execute_result\",\"data\":{\"image/png\":\"iVBOR\",\"text/plain\":\"chart\"}}]}";

    private static List<String> problems(String... cells) {
        return NotebooksExecutedTest.problems(
                Json.parseObject("{\"cells\":[" + String.join(",", cells) + "]}", "test"));
    }

    @Test
    void aCleanNotebookWithAChartHasNone() {
        assertEquals(List.of(), problems(MARKDOWN, CHART));
        assertEquals(
                List.of(),
                problems("{\"cell_type\":\"code\",\"execution_count\":1,\"outputs\":[{\"output_type\":"
                        + "\"display_data\",\"data\":{\"image/svg+xml\":\"<svg/>\"}}]}"));
    }

    @Test
    void namesErrorsUnrunCellsAndAMissingChart() {
        assertEquals(
                List.of(
                        "cell 2 (In [4]) failed: java.lang.IllegalStateException: weights missing",
                        "cell 3 was not executed",
                        "no chart: no image/png or image/svg+xml output in any cell"),
                problems(
                        MARKDOWN,
                        "{\"cell_type\":\"code\",\"execution_count\":4,\"outputs\":[{\"output_type\":\"error\","
                                + "\"ename\":\"java.lang.IllegalStateException\",\"evalue\":\"weights missing\"}]}",
                        "{\"cell_type\":\"code\",\"execution_count\":null,\"outputs\":[]}",
                        "{\"cell_type\":\"code\",\"execution_count\":5,\"outputs\":[{\"output_type\":\"stream\","
                                + "\"text\":\"image/png\"}]}"));
    }
}
