package t2j.expert.feedback;

/**
 * A user's (or a verifier's) verdict on one answer that was routed to one expert: the request, the answer given,
 * and a reward (+1 correct, −1 incorrect, or anything in between).
 */
public record Feedback(String expert, String id, String system, String prompt, String completion, double reward) {
    public Feedback {
        if (expert == null || expert.isEmpty())
            throw new IllegalArgumentException("feedback needs the expert the answer was routed to");
        if (prompt == null) throw new IllegalArgumentException("feedback on '" + id + "' has no prompt");
        if (completion == null) throw new IllegalArgumentException("feedback on '" + id + "' has no answer");
        if (!Double.isFinite(reward))
            throw new IllegalArgumentException("feedback on '" + id + "' has a reward that is not finite: " + reward);
    }

    public boolean liked() {
        return reward > 0;
    }
}
