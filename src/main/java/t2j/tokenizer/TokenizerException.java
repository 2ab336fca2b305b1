package t2j.tokenizer;

/**
 * A tokenizer or chat-template file that cannot be used: malformed, or asking for a feature this implementation
 * does not have. The message names the file, the JSON field (or template construct) and what was found, so the
 * user can tell a broken download from an unsupported tokenizer family.
 */
public class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
