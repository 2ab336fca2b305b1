package t2j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static t2j.io.StFiles.vector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files exchanged with an independent implementation: numpy reads what the writer wrote (and rounds to float16 on its
 * own), and writes a file by the spec that the reader must read. Skipped, saying why, when python3 or numpy is absent.
 */
class NumpyCrossCheckTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;

    private static final String SCRIPT = """
            import json, struct, sys
            import numpy as np

            def read(path):
                raw = open(path, 'rb').read()
                n = struct.unpack('<Q', raw[:8])[0]
                header = json.loads(raw[8:8 + n])
                data = raw[8 + n:]
                out = {}
                for name, t in header.items():
                    if name == '__metadata__':
                        continue
                    b, e = t['data_offsets']
                    dt = {'F32': '<f4', 'F16': '<f2', 'BF16': '<u2'}[t['dtype']]
                    out[name] = np.frombuffer(data[b:e], dtype=dt).reshape(t['shape'])
                return header, out

            header, t = read(sys.argv[1])
            assert header['__metadata__'] == {'format': 'pt'}, header['__metadata__']
            orig = t['orig']
            assert t['f32'].tobytes() == orig.tobytes(), 'f32 differs'
            with np.errstate(over='ignore'):  # overflow to inf is one of the cases under test
                want16 = orig.astype(np.float16)
            got16 = t['f16']
            same = (got16.view(np.uint16) == want16.view(np.uint16)) | (np.isnan(got16) & np.isnan(want16))
            assert same.all(), ('f16 differs', orig[~same][:5], got16[~same][:5], want16[~same][:5])
            bf = (t['bf16'].astype(np.uint32) << 16).view(np.float32)
            finite = np.isfinite(orig) & (np.abs(orig) < 3e38)
            rel = np.abs(bf[finite].astype(np.float64) - orig[finite]) <= np.abs(orig[finite]).astype(np.float64) * 2.0**-8 + 2.0**-134
            assert rel.all(), ('bf16 not within half an ulp', orig[finite][~rel][:5])
            assert (np.isnan(bf) == np.isnan(orig)).all(), 'bf16 NaN'

            rng = np.random.default_rng(5)
            x = (rng.standard_normal(257) * 1000).astype(np.float32)
            parts = [('x32', 'F32', x), ('x16', 'F16', x.astype(np.float16)), ('m', 'F32', x[:6].reshape(2, 3))]
            hdr, blobs, off = {'__metadata__': {'by': 'numpy'}}, [], 0
            for name, dt, a in parts:
                blob = a.astype(a.dtype.newbyteorder('<')).tobytes()
                hdr[name] = {'dtype': dt, 'shape': list(a.shape), 'data_offsets': [off, off + len(blob)]}
                blobs.append(blob)
                off += len(blob)
            h = json.dumps(hdr).encode()
            with open(sys.argv[2], 'wb') as f:
                f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
            print('ok')
            """;

    @Test
    void numpyReadsOurFilesAndWeReadTheirs() throws Exception {
        assumeNumpy();
        float[] orig = new float[4096];
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < orig.length; i++)
            orig[i] = i < 64
                    ? Float.intBitsToFloat(rnd.nextInt())
                    : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-9, 6)));
        orig[0] = 65520f;
        orig[1] = 0x1p-25f;
        orig[2] = Float.NaN;
        orig[3] = Float.NEGATIVE_INFINITY;
        orig[4] = -0f;
        Path ours = tmp.resolve("ours.safetensors"), theirs = tmp.resolve("theirs.safetensors");
        SafeTensorsWriter.write(
                ours,
                java.util.List.of(
                        vector("orig", DType.F32, orig),
                        vector("f32", DType.F32, orig),
                        vector("f16", DType.F16, orig),
                        vector("bf16", DType.BF16, orig)),
                java.util.Map.of("format", "pt"));
        Path script = Files.writeString(tmp.resolve("check.py"), SCRIPT);
        String out = run(PYTHON, script.toString(), ours.toString(), theirs.toString());
        assertEquals("ok", out.strip(), out);
        try (SafeTensorsFile st = SafeTensorsFile.open(theirs)) {
            assertEquals(java.util.Map.of("by", "numpy"), st.metadata());
            float[] x = st.readFloats("x32"), x16 = st.readFloats("x16");
            for (int i = 0; i < x.length; i++)
                assertEquals(HalfFloats.f16ToFloat(HalfFloats.floatToF16(x[i])), x16[i], "numpy's float16 of " + x[i]);
            assertArrayEquals(new long[] {2, 3}, st.info("m").shape());
            assertArrayEquals(java.util.Arrays.copyOf(x, 6), st.readFloats("m"));
        }
    }

    private static void assumeNumpy() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "skipped: " + PYTHON + " not found");
        String probe = run(PYTHON, "-c", "import numpy; print('numpy', numpy.__version__)");
        Assumptions.assumeTrue(
                probe.startsWith("numpy"), "skipped: numpy is not importable by " + PYTHON + ": " + probe);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        return new String(p.getInputStream().readAllBytes());
    }
}
