package t2j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Verdict;

/** How a run picks its best parameters: on which examples ({@link SelectionSplit}) and by what rule. */
class SelectionTest {
    @Test
    void theHoldOutIsTheLastTrainingExamplesAndJoinsTheFirstValidationOnes() {
        Task task = task(5, 3);
        TrainingConfig cfg = TrainingConfig.reinforce().toBuilder()
                .evalEvery(10, 2)
                .selectionHoldout(2)
                .build();
        SelectionSplit s = SelectionSplit.of(task, cfg);
        assertEquals(List.of("train0", "train1", "train2"), ids(s.train()));
        assertEquals(List.of("valid0", "valid1", "train3", "train4"), ids(s.selection()));

        SelectionSplit none = SelectionSplit.of(
                task, TrainingConfig.reinforce().toBuilder().evalEvery(10, 2).build());
        assertEquals(5, none.train().size());
        assertEquals(List.of("valid0", "valid1"), ids(none.selection()));
    }

    @Test
    void aHoldOutThatLeavesNothingToTrainOnIsRefused() {
        TrainingConfig cfg =
                TrainingConfig.reinforce().toBuilder().selectionHoldout(5).build();
        Task five = task(5, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SelectionSplit.of(five, cfg));
        assertTrue(
                e.getMessage().contains("selection holdout 5") && e.getMessage().contains("of 5"), e.getMessage());
        Task empty = task(0, 3);
        TrainingConfig plain = TrainingConfig.reinforce();
        e = assertThrows(IllegalArgumentException.class, () -> SelectionSplit.of(empty, plain));
        assertTrue(e.getMessage().contains("no training examples"), e.getMessage());
    }

    @Test
    void aNewBestNeedsAHigherAccuracyAndEnoughPairedEvidence() {
        Evaluator.Evaluation base = outcomes(true, false, false, false);
        Evaluator.Evaluation now = outcomes(true, true, false, false); // one win, no loss: z = 1
        assertTrue(new McNemarSelection(0, null).isNewBest(now, 0.25), "z 0 = any higher accuracy");
        assertTrue(new McNemarSelection(1.0, base).isNewBest(now, 0.25));
        assertFalse(new McNemarSelection(1.5, base).isNewBest(now, 0.25), "z 1 is below the 1.5 asked for");
        assertFalse(new McNemarSelection(0, null).isNewBest(now, 0.5), "equal accuracy is no new best");
    }

    private static List<String> ids(List<Example> examples) {
        return examples.stream().map(Example::id).toList();
    }

    private static Evaluator.Evaluation outcomes(boolean... correct) {
        List<Evaluator.Outcome> out = new ArrayList<>();
        for (boolean c : correct) {
            out.add(new Evaluator.Outcome(null, "", c ? Verdict.right("", "") : Verdict.wrong("", "")));
        }
        return new Evaluator.Evaluation(out);
    }

    private static Task task(int train, int valid) {
        return new Task() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public String category() {
                return "math";
            }

            @Override
            public List<Example> examples(Split split) {
                if (split != Split.TRAIN && split != Split.VALIDATION) return List.of();
                String prefix = split == Split.TRAIN ? "train" : "valid";
                int n = split == Split.TRAIN ? train : valid;
                return IntStream.range(0, n)
                        .mapToObj(i -> new Example(prefix + i, null, "p", "a", "a"))
                        .toList();
            }

            @Override
            public Verdict verify(Example example, String completion) {
                return Verdict.wrong("", "");
            }
        };
    }
}
