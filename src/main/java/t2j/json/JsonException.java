package t2j.json;

/** A JSON text that cannot be read; the message names the source and the line and column at fault. */
public class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
