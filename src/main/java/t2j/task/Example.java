package t2j.task;

/**
 * One prompt of a task, with its gold answer.
 *
 * <p>{@code system} is an optional system message ({@code null} for none) and {@code prompt} the user message.
 * {@code answer} is the gold final answer as people read it; {@code reference} is a whole completion in the
 * format the verifier expects (used for next-token training and pretraining data), or {@code null} when the
 * source has none.
 *
 * <pre>{@code
 * Example e = new Example("math-17", null, "Tom has 3 pens. He buys 4 more. How many pens now?", "7", "3+4=7. #### 7");
 * }</pre>
 */
public record Example(String id, String system, String prompt, String answer, String reference) {}
