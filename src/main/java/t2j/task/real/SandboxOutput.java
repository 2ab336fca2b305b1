package t2j.task.real;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bounded capture of a sandboxed run's stdout and stderr, read on its own thread: the first bytes (to see
 * that the wrapper started), the last ones (for the verdict's reason and the pass marker), and a byte count that
 * calls {@code overLimit} once the run has printed more than it may. Output is read through a pipe, never a
 * file, so unbounded printing costs neither disk nor memory.
 */
final class SandboxOutput {
    private static final int HEAD = 64;

    private final InputStream in;
    private final long limit;
    private final Runnable overLimit;
    private final int tailBytes;
    private final byte[] head = new byte[HEAD];
    private int headLength;
    private byte[] tail;
    private int tailLength;
    private long total;
    private boolean exceeded;
    private final Thread thread;

    private SandboxOutput(InputStream in, long limit, int tailBytes, Runnable overLimit) {
        this.in = in;
        this.limit = limit;
        this.tailBytes = tailBytes;
        this.tail = new byte[2 * tailBytes];
        this.overLimit = overLimit;
        this.thread = new Thread(this::pump, "t2j-sandbox-output");
        thread.setDaemon(true);
    }

    /** Starts reading {@code in}; {@code overLimit} runs (on the reader thread) when more than {@code limit} bytes arrive. */
    static SandboxOutput start(InputStream in, long limit, int tailBytes, Runnable overLimit) {
        SandboxOutput o = new SandboxOutput(in, limit, tailBytes, overLimit);
        o.thread.start();
        return o;
    }

    private void pump() {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                boolean fire;
                synchronized (this) {
                    if (headLength < HEAD) {
                        int k = Math.min(n, HEAD - headLength);
                        System.arraycopy(buf, 0, head, headLength, k);
                        headLength += k;
                    }
                    append(buf, n);
                    total += n;
                    fire = !exceeded && total > limit;
                    if (fire) exceeded = true;
                }
                if (fire) overLimit.run();
            }
        } catch (IOException e) {
            // the process was killed or closed its end; what arrived so far is the output
        }
    }

    private void append(byte[] buf, int n) {
        if (n >= tailBytes) {
            System.arraycopy(buf, n - tailBytes, tail, 0, tailBytes);
            tailLength = tailBytes;
            return;
        }
        if (tailLength + n > tail.length) {
            int keep = tailBytes - n;
            System.arraycopy(tail, tailLength - keep, tail, 0, keep);
            tailLength = keep;
        }
        System.arraycopy(buf, 0, tail, tailLength, n);
        tailLength += n;
    }

    /** Waits up to {@code millis} for the pipe to close (every writer gone). */
    void await(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** Whether the output began with {@code prefix}. */
    synchronized boolean startsWith(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        return headLength >= p.length && Arrays.equals(head, 0, p.length, p, 0, p.length);
    }

    /** The last {@code tailBytes} bytes (or all of it), as text. */
    synchronized String tail() {
        int from = Math.max(0, tailLength - tailBytes);
        return new String(tail, from, tailLength - from, StandardCharsets.UTF_8);
    }

    /** Whether more than the limit arrived. */
    synchronized boolean exceeded() {
        return exceeded;
    }

    /** Bytes read in all. */
    synchronized long total() {
        return total;
    }
}
