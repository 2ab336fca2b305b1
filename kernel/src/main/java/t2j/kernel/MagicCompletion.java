package t2j.kernel;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;

/** Tab after {@code %} or {@code %%} at the start of a line offers the magic names, as IPython does. */
final class MagicCompletion {
    private static final Pattern MAGIC_PREFIX = Pattern.compile("(?m)^[ \\t]*(%%?)(\\w*)\\z");

    private MagicCompletion() {}

    /** The matching magics, or null when the cursor is not on a magic name. */
    static ReplacementOptions complete(String code, int cursor, MagicsRegistry registry) {
        Matcher m = MAGIC_PREFIX.matcher(code.substring(0, cursor));
        if (!m.find()) {
            return null;
        }
        boolean cell = m.group(1).equals("%%");
        // %time and %%time are the kernel's own (CellTiming), not in jjava's registry.
        Set<String> names = new TreeSet<>(cell ? registry.getCellMagicNames() : registry.getLineMagicNames());
        names.add("time");
        List<String> matches = names.stream()
                .filter(n -> n.startsWith(m.group(2)))
                .map(n -> m.group(1) + n)
                .toList();
        return matches.isEmpty() ? null : new ReplacementOptions(matches, m.start(1), cursor);
    }
}
