package t2j.train;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import t2j.adapter.Adapter;
import t2j.model.Backprop;
import t2j.prompt.Prompter;
import t2j.task.Example;

/** Next-token loss on the reference completions, averaged over the batch's reference tokens. */
record NextTokenLoss(Adapter adapter, Prompter prompter, Backprop backprop) implements BatchLoss {
    @Override
    public StepStats step(List<Example> batch, Map<String, float[]> grads, int iteration) {
        int n = batch.size();
        int tokens = 0;
        int[][] prompts = new int[n][];
        int[][] refs = new int[n][];
        for (int i = 0; i < n; i++) {
            prompts[i] = prompter.promptIds(batch.get(i));
            refs[i] = prompter.referenceIds(batch.get(i));
            tokens += refs[i].length;
        }
        float[] w = new float[n];
        Arrays.fill(w, 1f / Math.max(1, tokens));
        double l = adapter.lossAndGradients(backprop, prompts, refs, Backprop.weightedNll(w), grads);
        return new StepStats(l, Double.NaN, Double.NaN);
    }
}
