package t2j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Pins our encodings of real tokenizers to reference ids produced by the JavaScript port of Hugging Face
 * tokenizers (see make-golden.mjs): plain ids, ids with the post-processor's specials, and decoded text.
 */
class GoldenEncodingTest {
    @TestFactory
    Stream<DynamicTest> llama3() {
        return cases(NpmTokenizers.LLAMA3, "llama3-golden.json");
    }

    @TestFactory
    Stream<DynamicTest> mistralSentencePiece() {
        return cases(NpmTokenizers.MISTRAL_SP, "llama2-golden.json");
    }

    @TestFactory
    Stream<DynamicTest> mistralNemo() {
        return cases(NpmTokenizers.MISTRAL_NEMO, "mistral-nemo-golden.json");
    }

    @SuppressWarnings("unchecked")
    private static Stream<DynamicTest> cases(String pkg, String golden) {
        if (NpmTokenizers.find(pkg) == null) {
            // An assumption failing in the factory itself would hide the reason; a skipped test shows it.
            return Stream.of(DynamicTest.dynamicTest(golden, () -> NpmTokenizers.require(pkg)));
        }
        Tokenizer tok = Tokenizer.load(NpmTokenizers.find(pkg));
        List<DynamicTest> tests = new ArrayList<>();
        for (Object o : (List<Object>) NpmTokenizers.fixture(golden).get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            String text = (String) c.get("text");
            String name = t2j.json.Json.write(text.length() > 60 ? text.substring(0, 60) + "..." : text);
            tests.add(DynamicTest.dynamicTest(name, () -> {
                int[] ids = NpmTokenizers.ints(c.get("ids"));
                assertArrayEquals(ids, tok.encode(text), () -> "encode " + name);
                assertArrayEquals(
                        NpmTokenizers.ints(c.get("idsWithSpecials")),
                        tok.encodeWithSpecials(text),
                        () -> "encodeWithSpecials " + name);
                assertEquals(c.get("decoded"), tok.decode(ids), () -> "decode " + name);
            }));
        }
        return tests.stream();
    }
}
