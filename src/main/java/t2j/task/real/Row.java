package t2j.task.real;

import java.util.List;
import java.util.Map;

/**
 * One record of a dataset file with where it came from ({@code file:line}), and typed field access that fails
 * with a message naming the field.
 *
 * <pre>{@code
 * String q = row.string("question");
 * }</pre>
 */
public record Row(Map<String, Object> fields, String where, int index) {

    /** A required string field. */
    public String string(String key) {
        Object v = fields.get(key);
        if (v instanceof String s) return s;
        throw new IllegalArgumentException(
                v == null ? "missing field '" + key + "'" : "field '" + key + "' is not a string");
    }

    /** An optional string field, or {@code null}. */
    public String optionalString(String key) {
        Object v = fields.get(key);
        return v == null ? null : v instanceof String s ? s : String.valueOf(v);
    }

    /** A required list field. */
    public List<?> list(String key) {
        Object v = fields.get(key);
        if (v instanceof List<?> l) return l;
        throw new IllegalArgumentException(
                v == null ? "missing field '" + key + "'" : "field '" + key + "' is not a list");
    }

    /** A required object field. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String key) {
        Object v = fields.get(key);
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException(
                v == null ? "missing field '" + key + "'" : "field '" + key + "' is not an object");
    }

    /** A required field rendered as text (ids may be numbers or strings). */
    public String text(String key) {
        Object v = fields.get(key);
        if (v == null) throw new IllegalArgumentException("missing field '" + key + "'");
        return String.valueOf(v);
    }
}
