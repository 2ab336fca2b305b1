package t2j.svf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parametrizations known by id, so an expert file names its parametrization and loading it finds the code.
 * Only {@link Parametrization} uses this class: its constants register the built-ins while it initialises, so
 * every lookup through it sees them.
 */
final class Parametrizations {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Map<String, Parametrization> BY_ID = new LinkedHashMap<>();
    private static final Map<String, Parametrization> BUILT_IN = new LinkedHashMap<>();

    private Parametrizations() {}

    static synchronized Parametrization builtIn(Parametrization p) {
        BUILT_IN.put(p.id(), p);
        BY_ID.put(p.id(), p);
        return p;
    }

    /** Registers {@code p}, replacing an earlier user definition with its id (a cell run again). */
    static synchronized Parametrization register(Parametrization p) {
        if (!ID.matcher(p.id()).matches())
            throw new IllegalArgumentException("parametrization id '" + p.id()
                    + "' must be lower-case letters, digits, '.', '_' or '-' (it is stored in expert files)");
        if (BUILT_IN.containsKey(p.id()))
            throw new IllegalArgumentException("'" + p.id() + "' is a built-in parametrization; give yours another id");
        BY_ID.put(p.id(), p);
        return p;
    }

    static synchronized Parametrization byId(String id) {
        Parametrization p = BY_ID.get(id);
        if (p == null)
            throw new IllegalArgumentException("unknown parametrization '" + id + "': none is registered under that id"
                    + " in this JVM (registered: " + String.join(", ", BY_ID.keySet()) + "). A parametrization of your"
                    + " own must be defined again (Parametrization.elementwise or Parametrization.of with the id '" + id
                    + "') before an expert trained with it is loaded");
        return p;
    }
}
