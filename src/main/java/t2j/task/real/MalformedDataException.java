package t2j.task.real;

/**
 * A dataset line that does not parse or lacks a required field; the message starts with {@code file:line}.
 *
 * <pre>{@code
 * try { Gsm8kTask.load(files, LoadOptions.DEFAULT); }
 * catch (MalformedDataException e) { System.err.println(e.getMessage()); }  // "test.jsonl:7: missing field 'answer'"
 * }</pre>
 */
public final class MalformedDataException extends RuntimeException {
    public MalformedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
