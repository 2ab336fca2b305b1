package t2j.train;

import java.util.ArrayList;
import java.util.List;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;

/**
 * The examples a run trains on and those its best parameters are chosen on: the first {@code validationLimit}
 * validation examples plus, with a selection hold-out, the last {@code selectionHoldout} training examples, which
 * are then never trained on.
 */
record SelectionSplit(List<Example> train, List<Example> selection) {
    static SelectionSplit of(Task task, TrainingConfig cfg) {
        List<Example> train = task.examples(Split.TRAIN);
        List<Example> valid = task.examples(Split.VALIDATION);
        if (valid.size() > cfg.validationLimit()) valid = valid.subList(0, cfg.validationLimit());
        if (cfg.selectionHoldout() > 0) {
            int keep = train.size() - cfg.selectionHoldout();
            if (keep <= 0) {
                throw new IllegalArgumentException("selection holdout " + cfg.selectionHoldout()
                        + " leaves no training examples of " + train.size());
            }
            List<Example> selection = new ArrayList<>(valid);
            selection.addAll(train.subList(keep, train.size()));
            valid = selection;
            train = train.subList(0, keep);
        }
        if (train.isEmpty()) throw new IllegalArgumentException("task " + task.name() + " has no training examples");
        return new SelectionSplit(train, valid);
    }
}
