package t2j.expert.feedback;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;
import t2j.task.Verdict;

/**
 * The collected feedback as a task the REINFORCE trainer can optimise: a rollout that repeats an answer the user
 * liked earns its reward, one that repeats a disliked answer earns its (negative) reward, and a new answer to a
 * disliked request counts as right with no reward (the user only said what was wrong). Train and validation are the
 * collected requests; the held-out check that decides whether an update is kept is separate.
 */
final class FeedbackTask implements Task {
    private final String expert;
    private final List<Example> examples = new ArrayList<>();
    private final Map<Example, Feedback> byExample = new IdentityHashMap<>();

    FeedbackTask(String expert, List<Feedback> items) {
        this.expert = expert;
        for (Feedback f : items) {
            Example e = new Example(f.id(), f.system(), f.prompt(), null, null);
            examples.add(e);
            byExample.put(e, f);
        }
    }

    @Override
    public String name() {
        return expert + "-feedback";
    }

    @Override
    public String category() {
        return expert;
    }

    @Override
    public List<Example> examples(Split split) {
        return split == Split.TRAIN || split == Split.VALIDATION ? examples : List.of();
    }

    @Override
    public Verdict verify(Example example, String completion) {
        Feedback f = byExample.get(example);
        if (f == null) throw new IllegalArgumentException("no feedback for request " + example.id());
        boolean same = f.completion().strip().equals(completion.strip());
        if (same)
            return new Verdict(
                    f.liked(),
                    f.reward(),
                    completion,
                    f.liked() ? "the answer the user liked" : "the answer the user rejected");
        return new Verdict(
                !f.liked(),
                0,
                completion,
                f.liked() ? "not the answer the user liked" : "another answer than the rejected one");
    }
}
