package t2j.tokenizer;

import java.util.List;
import java.util.Map;

/**
 * One JSON object of a tokenizer file together with where it sits ({@code tokenizer.json: pre_tokenizer.pretokenizers[0]}),
 * so that every accessor can fail with a message naming the file and the exact field.
 */
final class Spec {
    final String file;
    final String path;
    final Map<String, Object> map;

    Spec(String file, String path, Map<String, Object> map) {
        this.file = file;
        this.path = path;
        this.map = map;
    }

    String field(String key) {
        return path.isEmpty() ? key : key.isEmpty() ? path : path + "." + key;
    }

    TokenizerException error(String key, String what) {
        return new TokenizerException(file + ": field '" + field(key) + "': " + what);
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    Object raw(String key) {
        return map.get(key);
    }

    String string(String key) {
        Object v = map.get(key);
        if (v instanceof String) return (String) v;
        throw error(key, v == null ? "missing (expected a string)" : "expected a string, found " + describe(v));
    }

    String string(String key, String dflt) {
        return map.get(key) == null ? dflt : string(key);
    }

    boolean bool(String key, boolean dflt) {
        Object v = map.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean) return (Boolean) v;
        throw error(key, "expected true or false, found " + describe(v));
    }

    int integer(String key) {
        Object v = map.get(key);
        if (v instanceof Long && (Long) v >= Integer.MIN_VALUE && (Long) v <= Integer.MAX_VALUE)
            return (int) (long) (Long) v;
        throw error(key, v == null ? "missing (expected an integer)" : "expected an integer, found " + describe(v));
    }

    int integer(String key, int dflt) {
        return map.get(key) == null ? dflt : integer(key);
    }

    @SuppressWarnings("unchecked")
    Spec object(String key) {
        Object v = map.get(key);
        if (v instanceof Map) return new Spec(file, field(key), (Map<String, Object>) v);
        throw error(key, v == null ? "missing (expected an object)" : "expected an object, found " + describe(v));
    }

    /** The object under {@code key}, or null when the field is absent or JSON null (as tokenizer.json writes "no normalizer"). */
    Spec optObject(String key) {
        return map.get(key) == null ? null : object(key);
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String key) {
        Object v = map.get(key);
        if (v instanceof List) return (List<Object>) v;
        throw error(key, v == null ? "missing (expected an array)" : "expected an array, found " + describe(v));
    }

    /** Element {@code i} of the array under {@code key}, which must be an object. */
    @SuppressWarnings("unchecked")
    Spec element(String key, int i) {
        Object v = list(key).get(i);
        String where = field(key) + "[" + i + "]";
        if (v instanceof Map) return new Spec(file, where, (Map<String, Object>) v);
        throw new TokenizerException(file + ": field '" + where + "': expected an object, found " + describe(v));
    }

    static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof String) {
            String s = (String) v;
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        return String.valueOf(v);
    }
}
