package t2j.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} options of one sub-command; unknown options are errors, not ignored. */
final class Args {
    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    /**
     * @param withValue options that take a value
     * @param flagNames options that take none
     */
    Args(String command, String[] args, Set<String> withValue, Set<String> flagNames) {
        this.command = command;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (flagNames.contains(a)) flags.add(a);
            else if (withValue.contains(a)) {
                if (i + 1 >= args.length) throw new UsageException(command + ": option " + a + " needs a value");
                values.put(a, args[++i]);
            } else throw new UsageException(command + ": unknown option '" + a + "' (see t2j " + command + " --help)");
        }
    }

    boolean has(String flag) {
        return flags.contains(flag) || values.containsKey(flag);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) throw new UsageException(command + ": missing " + name + " (see t2j " + command + " --help)");
        return v;
    }

    String get(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    int integer(String name, int dflt) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + name + " must be an integer, got '" + v + "'");
        }
    }

    float number(String name, float dflt) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + name + " must be a number, got '" + v + "'");
        }
    }

    int[] ids(String name) {
        String v = required(name).trim();
        if (v.startsWith("[") && v.endsWith("]")) v = v.substring(1, v.length() - 1);
        String[] parts = v.split("\\s*,\\s*");
        int[] r = new int[parts.length];
        for (int i = 0; i < r.length; i++) {
            try {
                r[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException(
                        command + ": " + name + " must be comma-separated token ids, got '" + parts[i] + "'");
            }
        }
        return r;
    }

    /** A wrong command line: printed as one line, exit status 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String m) {
            super(m);
        }
    }
}
