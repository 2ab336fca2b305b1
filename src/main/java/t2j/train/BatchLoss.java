package t2j.train;

import java.util.List;
import java.util.Map;
import t2j.adapter.Adapter;
import t2j.model.Backprop;
import t2j.model.Transformer;
import t2j.prompt.Prompter;
import t2j.task.Example;
import t2j.task.Task;

/** A training objective's loss on one batch, its gradient added into {@code grads}. */
interface BatchLoss {
    StepStats step(List<Example> batch, Map<String, float[]> grads, int iteration);

    static BatchLoss of(TrainingConfig cfg, Transformer model, Adapter adapter, Task task, Prompter prompter) {
        Backprop backprop = new Backprop(model);
        return switch (cfg.objective()) {
            case REINFORCE -> new ReinforceLoss(cfg, model, adapter, task, prompter, backprop);
            case NEXT_TOKEN -> new NextTokenLoss(adapter, prompter, backprop);
        };
    }
}
