package t2j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every option a command accepts is in its help, and every optional one that takes a value says its default there.
 * The accepted options are read from the command's source (its {@code new Args(...)} sets), so a new option without
 * help fails here.
 */
class HelpDefaultsTest {
    private static final Map<String, String> HELP = new LinkedHashMap<>();

    static {
        HELP.put("AdaptCommand", AdaptCommand.HELP);
        HELP.put("BenchCommand", BenchCommand.HELP);
        HELP.put("DecomposeCommand", DecomposeCommand.HELP);
        HELP.put("EvalCommand", EvalCommand.HELP);
        HELP.put("GenerateCommand", GenerateCommand.HELP);
        HELP.put("LogitsCommand", LogitsCommand.HELP);
        HELP.put("MatrixCommand", MatrixCommand.HELP);
        HELP.put("PretrainCommand", PretrainCommand.HELP);
        HELP.put("TrainCommand", TrainCommand.HELP);
        HELP.put("TransferCommand", TransferCommand.HELP);
    }

    private static final Pattern ARGS =
            Pattern.compile("new Args\\([^,]+, \\w+, Set\\.of\\(([^)]*)\\), Set\\.of\\(([^)]*)\\)\\)");
    private static final Pattern OPTION = Pattern.compile("\"(--[a-z-]+)\"");

    @Test
    void everyOptionIsDocumentedAndEveryOptionalValueHasItsDefault() throws Exception {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : HELP.entrySet()) {
            String source = Files.readString(Path.of("main/java/t2j/cli", e.getKey() + ".java"))
                    .replaceAll("\\s+", " ");
            Matcher m = ARGS.matcher(source);
            boolean found = false;
            while (m.find()) {
                found = true;
                for (String option : options(m.group(1))) {
                    boolean required = source.contains("required(\"" + option + "\")")
                            || source.contains("ids(\"" + option + "\")");
                    String block = docBlock(e.getValue(), option);
                    if (block == null && !(required && e.getValue().contains(option))) {
                        missing.add(e.getKey() + ": " + option + " has no line of its own in the help");
                    } else if (!required && !block.contains("default")) {
                        missing.add(e.getKey() + ": " + option + " does not say its default: " + block.strip());
                    }
                }
                for (String flag : options(m.group(2))) {
                    if (!e.getValue().contains(flag))
                        missing.add(e.getKey() + ": flag " + flag + " is not in the help");
                }
            }
            assertFalse(!found, e.getKey() + ": no new Args(...) found to read its options from");
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void theCheckSeesAnUndocumentedDefault() {
        String help = "usage: t2j x [--limit N]\n\n  --limit N   how many\n  --seed S    default 42\n";
        assertEquals("  --limit N   how many", docBlock(help, "--limit"));
        assertEquals(null, docBlock(help, "--shots"));
    }

    private static List<String> options(String setBody) {
        List<String> out = new ArrayList<>();
        Matcher m = OPTION.matcher(setBody);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** The help line that documents {@code option} (it starts with an option list naming it) and its continuation. */
    static String docBlock(String help, String option) {
        String[] lines = help.split("\n");
        Pattern names = Pattern.compile("(^|[\\s/])" + Pattern.quote(option) + "($|[\\s/,=|])");
        for (int i = 0; i < lines.length; i++) {
            String stripped = lines[i].strip();
            if (!stripped.startsWith("--") || !names.matcher(lines[i]).find()) continue;
            StringBuilder block = new StringBuilder(lines[i]);
            for (int j = i + 1;
                    j < lines.length
                            && lines[j].startsWith("     ")
                            && !lines[j].strip().startsWith("--");
                    j++) {
                block.append('\n').append(lines[j]);
            }
            return block.toString();
        }
        return null;
    }
}
