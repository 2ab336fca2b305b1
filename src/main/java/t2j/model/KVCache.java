package t2j.model;

import java.nio.FloatBuffer;
import t2j.tensor.Matrix;

/**
 * Keys and values of every layer for a batch of sequences, plus the scratch buffers of the forward pass.
 *
 * <p>Rows are left-padded to a common length: slot {@code s} of row {@code b} holds that row's token at position
 * {@code s - pad(b)}, and slots before {@code pad(b)} are never attended to. Layout per layer is
 * {@code [batch][kvHeads][capacity][headDim]}, so one head's keys are a contiguous matrix for BLAS.
 */
public final class KVCache {
    final int batch;
    final int capacity;
    final int[] pad;
    final FloatBuffer[] keys;
    final FloatBuffer[] values;
    int length;
    Workspace ws;

    KVCache(ModelConfig c, int batch, int capacity) {
        if (batch <= 0 || capacity <= 0) throw new IllegalArgumentException("batch and capacity must be positive");
        this.batch = batch;
        this.capacity = capacity;
        this.pad = new int[batch];
        keys = new FloatBuffer[c.numHiddenLayers()];
        values = new FloatBuffer[c.numHiddenLayers()];
        long per = (long) batch * c.numKeyValueHeads() * capacity * c.headDim();
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Matrix.allocate(per);
            values[l] = Matrix.allocate(per);
        }
    }

    /** Number of rows. */
    public int batch() {
        return batch;
    }

    /** Slots filled so far (padding included). */
    public int length() {
        return length;
    }

    /** Most slots this cache can hold. */
    public int capacity() {
        return capacity;
    }

    /** Left padding of row {@code b}. */
    public int pad(int b) {
        return pad[b];
    }

    /** Tokens of row {@code b} seen so far (the position the next token of that row will get). */
    public int position(int b) {
        return length - pad[b];
    }

    /** Forgets all tokens, keeping the memory for the next use. */
    public void clear() {
        length = 0;
        java.util.Arrays.fill(pad, 0);
    }

    /** Scratch buffers sized for the largest call so far: a decode step must not allocate. */
    static final class Workspace {
        final int tokens;
        final int keysLen;
        final FloatBuffer x, h, qkv, attn, gateUp, act, scores;

        Workspace(ModelConfig c, int tokens, int keysLen) {
            this.tokens = tokens;
            this.keysLen = keysLen;
            int d = c.hiddenSize();
            x = Matrix.allocate((long) tokens * d);
            h = Matrix.allocate((long) tokens * d);
            qkv = Matrix.allocate((long) tokens * (c.qDim() + 2L * c.kvDim()));
            attn = Matrix.allocate((long) tokens * c.qDim());
            gateUp = Matrix.allocate((long) tokens * 2 * c.intermediateSize());
            act = Matrix.allocate((long) tokens * c.intermediateSize());
            scores = Matrix.allocate(keysLen); // one query's, for a decode step (a prefill's stay in Attention)
        }
    }

    Workspace workspace(ModelConfig c, int tokens, int keysLen) {
        if (ws == null || ws.tokens < tokens || ws.keysLen < keysLen)
            ws = new Workspace(
                    c, Math.max(tokens, ws == null ? 0 : ws.tokens), Math.max(keysLen, ws == null ? 0 : ws.keysLen));
        return ws;
    }
}
