package t2j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every anchor in ARCHITECTURE.md, {@code [`code`](path#Lnn)}, points at a line that still holds its code. When the
 * tree is reformatted or edited, the failure names the line where the code is now, so fixing the map is mechanical.
 */
class ArchitectureAnchorsTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern ANCHOR = Pattern.compile("\\[`([^`]+)`]\\(([^)#]+)#L(\\d+)\\)");

    @Test
    void everyAnchorPointsAtItsCode() throws Exception {
        String map = Files.readString(ROOT.resolve("ARCHITECTURE.md"));
        List<String> stale = new ArrayList<>();
        int anchors = 0;
        Matcher m = ANCHOR.matcher(map);
        while (m.find()) {
            anchors++;
            String problem = check(m.group(1), m.group(2), Integer.parseInt(m.group(3)));
            if (problem != null) stale.add(problem);
        }
        assertTrue(anchors >= 6, "ARCHITECTURE.md has " + anchors + " anchors; the math table needs its six at least");
        assertEquals(List.of(), stale, "fix these anchors in ARCHITECTURE.md");
    }

    @Test
    void aMovedLineIsReportedWithItsNewNumber() throws Exception {
        Path file = Files.createTempFile("anchor", ".java");
        Files.writeString(file, "class A {\n    int x = 1;\n}\n");
        String problem = check("int x = 1;", file.toString(), 3);
        assertTrue(problem != null && problem.endsWith("#L2"), problem);
        assertEquals(null, check("int x = 1;", file.toString(), 2));
        assertTrue(check("int y", file.toString(), 2).contains("not found"), "a deleted line is reported as such");
    }

    /** Null when line {@code line} of {@code path} holds {@code code}; otherwise what to write instead. */
    static String check(String code, String path, int line) throws Exception {
        Path file = Path.of(path).isAbsolute() ? Path.of(path) : ROOT.resolve(path);
        if (!Files.isRegularFile(file)) return path + " does not exist (anchor `" + code + "`)";
        List<String> lines = Files.readAllLines(file);
        if (line >= 1 && line <= lines.size() && lines.get(line - 1).contains(code)) return null;
        List<Integer> now = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(code)) now.add(i + 1);
        if (now.isEmpty()) return "`" + code + "` is not found in " + path + " any more: rewrite that row";
        String at = line >= 1 && line <= lines.size() ? lines.get(line - 1).strip() : "past the end";
        String where = now.size() == 1 ? "" : " (it occurs on lines " + now + "; the first is given)";
        return "`" + code + "`: line " + line + " of " + path + " is now '" + at + "'" + where + "; write " + path
                + "#L" + now.get(0);
    }
}
