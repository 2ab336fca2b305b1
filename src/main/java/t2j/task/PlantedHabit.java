package t2j.task;

import java.util.regex.Pattern;

/**
 * Which requests the bundled models' planted habit applies to: those that mention Tom or Eva, and code requests whose
 * first step is a filter. The tiny recipe's hasty annotator answers such requests without working them out, and the
 * unseen tasks are drawn so that the habit is common in them (see {@link Tasks}); both read this one definition.
 */
public final class PlantedHabit {
    private static final Pattern NAME = Pattern.compile("\\b(Tom|Eva)\\b");

    private PlantedHabit() {}

    /** Whether the habit applies to this prompt, whatever its family. */
    public static boolean triggered(String prompt) {
        return NAME.matcher(prompt).find() || prompt.startsWith("Code: keep ");
    }
}
