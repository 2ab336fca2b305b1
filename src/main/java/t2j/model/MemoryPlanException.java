package t2j.model;

/** A step would need more memory than the JVM or the machine has; the message names the figures and the flag to change. */
public final class MemoryPlanException extends RuntimeException {
    public MemoryPlanException(String message) {
        super(message);
    }
}
