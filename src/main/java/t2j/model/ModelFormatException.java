package t2j.model;

/**
 * A model folder that cannot be used as it is: a bad {@code config.json} field, a missing or mis-shaped tensor, or a
 * config that contradicts the weights. The message names the file, the field or tensor, and what was expected.
 */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
