package t2j.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes a cell's output on a line at a time. jjava's stdout/stderr are auto-flushing PrintStreams and every flush
 * is a Jupyter stream message, so one {@code printf} became a message per literal and argument. Text after the last
 * newline waits for the next newline, an explicit {@code flush()}, or the end of the cell.
 */
final class LineBufferedStream extends OutputStream {
    private final OutputStream target;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private LineBufferedStream(OutputStream target) {
        this.target = target;
    }

    /** A stream for {@code System.setOut/setErr} in front of {@code target} (Jupyter's streams decode UTF-8). */
    static PrintStream over(OutputStream target) {
        return new PrintStream(new LineBufferedStream(target), false, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        pending.write(b);
        if (b == '\n') forward(pending.size());
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        pending.write(b, off, len);
        for (int i = len - 1; i >= 0; i--) {
            if (b[off + i] == '\n') {
                forward(pending.size() - (len - 1 - i));
                return;
            }
        }
    }

    @Override
    public synchronized void flush() {
        forward(pending.size());
    }

    /** Sends the first {@code n} pending bytes (whole lines: '\n' never occurs inside a UTF-8 sequence). */
    private void forward(int n) {
        if (n == 0) return;
        byte[] all = pending.toByteArray();
        pending.reset();
        pending.write(all, n, all.length - n);
        try {
            target.write(all, 0, n);
            target.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
