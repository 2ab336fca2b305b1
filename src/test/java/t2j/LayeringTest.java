package t2j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages form layers, and a package only reaches down. The compiler cannot see this inside one
 * module (any package may import any other), so the sources are scanned: imports and fully qualified names in code,
 * comments and string literals left out.
 */
class LayeringTest {
    private static final Path ENGINE = Path.of("main/java");
    private static final Path DSL = Path.of("../dsl/src/main/java");

    /**
     * Lowest first. A new package must be placed here on purpose: where it sits is a design decision. The contracts
     * ({@code adapter}, {@code prompt}) sit below the methods and the loops so that SVF, LoRA and adaptation never
     * need the training package.
     */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("t2j.util", 0),
            Map.entry("t2j.json", 0),
            Map.entry("t2j.tensor", 0),
            Map.entry("t2j.stats", 0),
            Map.entry("t2j.io", 1),
            Map.entry("t2j.model", 2),
            Map.entry("t2j.tokenizer.jinja", 2),
            Map.entry("t2j.task", 2),
            Map.entry("t2j.tokenizer", 3),
            Map.entry("t2j.task.real", 3),
            Map.entry("t2j.generate", 3),
            Map.entry("t2j.adapter", 3),
            Map.entry("t2j.prompt", 4),
            Map.entry("t2j.svf", 4),
            Map.entry("t2j.lora", 4),
            Map.entry("t2j.train", 5),
            Map.entry("t2j.adapt", 5),
            Map.entry("t2j.adapt.log", 4),
            Map.entry("t2j.expert", 6),
            Map.entry("t2j.expert.feedback", 7),
            Map.entry("t2j.tiny", 7),
            Map.entry("t2j.bench", 8),
            Map.entry("t2j.cli", 9));

    private static final Pattern REFERENCE = Pattern.compile("\\bt2j\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z*]");

    @Test
    void methodsAndAdaptationDoNotNeedTheTrainingLoops() {
        List<String> offenders = new ArrayList<>();
        for (String pkg : List.of("t2j.svf", "t2j.lora", "t2j.adapt", "t2j.adapter", "t2j.prompt")) {
            referencesOf(ENGINE).getOrDefault(pkg, Map.of()).forEach((file, used) -> {
                if (used.contains("t2j.train")) offenders.add(file);
            });
        }
        assertEquals(List.of(), offenders, "these name t2j.train; their contracts live in t2j.adapter/t2j.prompt");
    }

    @Test
    void everyEnginePackageOnlyReachesDown() {
        List<String> violations = new ArrayList<>();
        referencesOf(ENGINE).forEach((pkg, files) -> {
            Integer own = LAYER.get(pkg);
            if (own == null) {
                violations.add(pkg + " has no layer in LayeringTest.LAYER: place it there");
                return;
            }
            files.forEach((file, used) -> {
                for (String target : used) {
                    Integer theirs = LAYER.get(target);
                    if (theirs == null) violations.add(file + " names " + target + ", which has no layer");
                    else if (theirs >= own) {
                        String where = file + " (" + pkg + ", layer " + own + ")";
                        violations.add(where + " names " + target + " (layer " + theirs + ")");
                    }
                }
            });
        });
        assertEquals(List.of(), violations);
    }

    @Test
    void kernelOverDslOverEngine() {
        // Maven's module dependencies forbid most of this at compile time; reflection by name would slip past them.
        List<String> violations = new ArrayList<>();
        for (Path root : List.of(ENGINE, DSL)) {
            assertTrue(Files.isDirectory(root), root.toAbsolutePath() + " missing: run from the engine module");
            for (Path file : javaFiles(root)) {
                String text = read(file);
                boolean engine = root == ENGINE;
                if (text.contains("t2j.kernel") || engine && text.contains("t2j.dsl")) violations.add(file.toString());
            }
        }
        assertEquals(List.of(), violations, "a lower layer names a higher one");
    }

    @Test
    void theScannerSeesFullyQualifiedNamesAndSkipsComments() {
        String code = "package t2j.svf;\nimport t2j.model.X;\n/* t2j.train.Trainer */ class A {\n"
                + "  // t2j.cli.Main\n  String s = \"t2j.bench.B\";\n  t2j.train.Adapter a;\n}\n";
        assertEquals(new TreeSet<>(List.of("t2j.model", "t2j.train")), referencedPackages(code));
        assertFalse(referencedPackages("class B { /* t2j.train.Trainer */ }").contains("t2j.train"));
    }

    /** package → file → packages it names (its own left out). */
    private static Map<String, Map<String, TreeSet<String>>> referencesOf(Path root) {
        Map<String, Map<String, TreeSet<String>>> byPackage = new TreeMap<>();
        for (Path file : javaFiles(root)) {
            String pkg = root.relativize(file.getParent()).toString().replace('/', '.');
            TreeSet<String> used = referencedPackages(read(file));
            used.remove(pkg);
            byPackage
                    .computeIfAbsent(pkg, k -> new TreeMap<>())
                    .put(root.relativize(file).toString(), used);
        }
        assertFalse(byPackage.isEmpty(), "no sources under " + root.toAbsolutePath());
        return byPackage;
    }

    static TreeSet<String> referencedPackages(String source) {
        String code = codeOnly(source).replaceAll("(?m)^\\s*package [^;]*;", "");
        TreeSet<String> used = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) used.add("t2j." + m.group(1));
        return used;
    }

    /** The source with comments and the contents of string, text-block and char literals blanked. */
    static String codeOnly(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                out.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? s.length() : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) j += s.charAt(j) == '\\' ? 2 : 1;
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static List<Path> javaFiles(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
