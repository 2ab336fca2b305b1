package t2j.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import t2j.model.ModelWeights;
import t2j.model.TinyModels;
import t2j.model.Transformer;

class GeneratorTest {
    private final Transformer model = new Transformer(ModelWeights.random(TinyModels.llama(), 3, 0.3));

    @Test
    void greedyFollowsTheArgmaxOfFullRecompute() {
        int[] prompt = {1, 7, 9};
        int[] out = new Generator(model)
                .generate(List.of(prompt), GenerationConfig.greedy(6), null)
                .get(0)
                .tokens();
        assertEquals(6, out.length);
        int[] seq = prompt.clone();
        for (int t : out) {
            float[][] logits = model.logits(seq);
            assertEquals(Sampler.argmax(logits[seq.length - 1]), t);
            seq = java.util.Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = t;
        }
    }

    @Test
    void samplingIsReproducibleBySeedAndVariesAcrossSeeds() {
        GenerationConfig cfg = GenerationConfig.greedy(12).withSampling(1.5f, 1f, 7);
        int[] a = new Generator(model)
                .generate(List.of(new int[] {1, 2}), cfg, null)
                .get(0)
                .tokens();
        int[] b = new Generator(model)
                .generate(List.of(new int[] {1, 2}), cfg, null)
                .get(0)
                .tokens();
        int[] c = new Generator(model)
                .generate(List.of(new int[] {1, 2}), cfg.withSampling(1.5f, 1f, 8), null)
                .get(0)
                .tokens();
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void topPKeepsOnlyTheNucleus() {
        float[] logits = {5f, 4f, 0f, -1f, -2f};
        // p ≈ {0.72, 0.26, 0.005, ...}: top-p 0.9 keeps the first two tokens only.
        Sampler s = new Sampler(1f, 0.9f, 3);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) seen.add(s.sample(logits));
        assertEquals(Set.of(0, 1), seen);
        Sampler all = new Sampler(1f, 1f, 3);
        Set<Integer> seenAll = new HashSet<>();
        for (int i = 0; i < 20000; i++) seenAll.add(all.sample(logits));
        assertTrue(seenAll.contains(2), "without top-p the tail is sampled too");
    }

    @Test
    void stopsAtEosAndAtStopStrings() {
        int[] greedy = new Generator(model)
                .generate(List.of(new int[] {1, 5}), GenerationConfig.greedy(8), null)
                .get(0)
                .tokens();
        // Declare the third greedy token an EOS id: generation must stop before it, without emitting it.
        Generator.Generation g = new Generator(model)
                .generate(List.of(new int[] {1, 5}), GenerationConfig.greedy(8, greedy[2]), null)
                .get(0);
        assertEquals("eos", g.stopReason());
        assertArrayEquals(java.util.Arrays.copyOf(greedy, 2), g.tokens());
        // A stop string made of the second token's text stops right after it.
        Generator.Generation s = new Generator(model)
                .generate(
                        List.of(new int[] {1, 5}),
                        GenerationConfig.greedy(8).withStopStrings(List.of("<" + greedy[1] + ">")),
                        ids -> {
                            StringBuilder b = new StringBuilder();
                            for (int id : ids) b.append('<').append(id).append('>');
                            return b.toString();
                        })
                .get(0);
        assertEquals("stop", s.stopReason());
        assertEquals(2, s.tokens().length);
        assertEquals("ab", Generator.cutAtStop("abSTOPcd", List.of("cd", "STOP")));
    }

    @Test
    void batchedGenerationEqualsEachPromptAlone() {
        List<int[]> prompts = List.of(new int[] {1, 2, 3, 4, 5}, new int[] {9}, new int[] {4, 4, 4});
        List<Generator.Generation> together = new Generator(model).generate(prompts, GenerationConfig.greedy(5), null);
        for (int i = 0; i < prompts.size(); i++)
            assertArrayEquals(
                    new Generator(model)
                            .generate(List.of(prompts.get(i)), GenerationConfig.greedy(5), null)
                            .get(0)
                            .tokens(),
                    together.get(i).tokens(),
                    "row " + i);
    }
}
