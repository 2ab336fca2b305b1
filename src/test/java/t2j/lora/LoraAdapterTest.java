package t2j.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import t2j.model.ModelWeights;
import t2j.model.TinyModels;
import t2j.model.Transformer;
import t2j.svf.Targets;
import t2j.train.AdapterGradientCheck;

class LoraAdapterTest {
    @Test
    void startsAtTheBaseModelAndRestoresExactly() {
        Transformer m = new Transformer(ModelWeights.random(TinyModels.llama(), 2, 0.15));
        int[] ids = {1, 2, 3, 4, 5};
        float[][] before = m.logits(ids);
        LoraAdapter lora = new LoraAdapter(m, Targets.ATTENTION.select(m.weights()), 4, 8f, 0);
        lora.apply();
        float[][] same = m.logits(ids);
        for (int t = 0; t < ids.length; t++)
            assertArrayEquals(before[t], same[t], 1e-6f, "B = 0 must leave the model unchanged");
        lora.parameters().values().forEach(p -> p[0] += 1f);
        lora.apply();
        lora.restore();
        float[][] restored = m.logits(ids);
        for (int t = 0; t < ids.length; t++) assertArrayEquals(before[t], restored[t]);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Transformer m = new Transformer(ModelWeights.random(TinyModels.mistral(), 4, 0.15));
        LoraAdapter lora = new LoraAdapter(m, Targets.ALL_LINEAR.select(m.weights()), 3, 6f, 1);
        SplittableRandom r = new SplittableRandom(2);
        lora.parameters().values().forEach(p -> {
            for (int i = 0; i < p.length; i++) p[i] += (float) (0.2 * (r.nextDouble() - 0.5));
        });
        AdapterGradientCheck.check(m, lora, 1e-2f);
    }

    @Test
    void countsParametersAsPeftDoes() {
        Transformer m = new Transformer(ModelWeights.random(TinyModels.llama(), 2, 0.1));
        List<String> mlp = Targets.MLP.select(m.weights());
        LoraAdapter lora = new LoraAdapter(m, mlp, 4, 8f, 0);
        long want = 0;
        for (String n : mlp)
            want += 4L * (m.weights().matrix(n).rows() + m.weights().matrix(n).cols());
        assertEquals(want, lora.parameterCount());
    }
}
