package t2j.train;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import t2j.adapter.Adapter;
import t2j.generate.GenerationConfig;
import t2j.generate.Generator;
import t2j.model.Backprop;
import t2j.model.Transformer;
import t2j.prompt.Prompter;
import t2j.task.Example;
import t2j.task.Task;
import t2j.task.Verdict;
import t2j.util.Seeds;

/**
 * The paper's REINFORCE: roll out ({@code samplesPerPrompt} per prompt), verify, reward, and the loss
 * {@code −Σ_b w_b·log p(y_b)} with the weights of {@link #rowWeights}, optionally plus a KL penalty to the base model.
 */
record ReinforceLoss(
        TrainingConfig cfg, Transformer model, Adapter adapter, Task task, Prompter prompter, Backprop backprop)
        implements BatchLoss {
    @Override
    public StepStats step(List<Example> batch, Map<String, float[]> grads, int iteration) {
        int g = cfg.samplesPerPrompt();
        int n = batch.size() * g;
        int[][] prompts = new int[n][];
        for (int i = 0; i < n; i++) prompts[i] = prompter.promptIds(batch.get(i / g));
        GenerationConfig gen = GenerationConfig.greedy(cfg.maxNewTokens(), prompter.stopIds())
                .withSampling(cfg.temperature(), 1f, Seeds.derive(cfg.seed(), "rollout", iteration));
        List<Generator.Generation> outs = new Generator(model).generate(List.of(prompts), gen, null);
        int[][] completions = new int[n][];
        float[] rewards = new float[n];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            Generator.Generation out = outs.get(i);
            // The stop token is part of what the policy chose: score it too, so the model learns when to stop.
            boolean stopped = out.stopReason().equals("eos");
            completions[i] = stopped ? append(out.tokens(), prompter.stopIds()[0]) : out.tokens();
            Verdict v = task.verify(batch.get(i / g), prompter.decode(out.tokens()));
            rewards[i] = (float) v.reward();
            if (v.correct()) correct++;
        }
        double mean = 0;
        for (float r : rewards) mean += r / n;
        float[] weights =
                rowWeights(rewards, completions, g, cfg.normalizeRewards(), cfg.rewardClip(), cfg.tokenMean());
        Backprop.TokenLoss loss = Backprop.weightedNll(weights);
        if (cfg.klCoefficient() > 0) {
            loss = KlPenalty.add(loss, model, adapter, prompts, completions, cfg.klCoefficient() / n, cfg.tokenMean());
        }
        double l = adapter.lossAndGradients(backprop, prompts, completions, loss, grads);
        return new StepStats(l, mean, (double) correct / n);
    }

    /**
     * The REINFORCE weight of each rollout's log-probability (the loss is {@code −Σ_b w_b·log p(y_b)}): the reward,
     * minus the mean reward of the rollouts of the same prompt when there are {@code group > 1} of them (consecutive
     * rows); standardised over the batch if {@code normalize}, clipped to ±{@code clip} if positive; divided by the
     * number of rollouts, and with {@code tokenMean} also by the rollout's length.
     */
    static float[] rowWeights(
            float[] rewards, int[][] completions, int group, boolean normalize, double clip, boolean tokenMean) {
        int n = rewards.length;
        double[] adv = new double[n];
        for (int p = 0; p < n; p += group) {
            double m = 0;
            for (int i = p; i < p + group; i++) m += rewards[i] / (double) group;
            for (int i = p; i < p + group; i++) adv[i] = group > 1 ? rewards[i] - m : rewards[i];
        }
        if (normalize) {
            double mean = 0;
            double sd = 0;
            for (double a : adv) mean += a / n;
            for (double a : adv) sd += (a - mean) * (a - mean) / n;
            sd = Math.sqrt(sd);
            // With a group baseline the advantages already have mean 0 per prompt; only the scale is standardised.
            for (int i = 0; i < n; i++) adv[i] = (group > 1 ? adv[i] : adv[i] - mean) / (sd + 1e-6);
        }
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            double r = adv[i];
            if (clip > 0) r = Math.max(-clip, Math.min(clip, r));
            w[i] = (float) (r / n / (tokenMean ? Math.max(1, completions[i].length) : 1));
        }
        return w;
    }

    private static int[] append(int[] a, int x) {
        int[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = x;
        return r;
    }
}
