package t2j.prompt;

import t2j.task.Example;

/**
 * How a task's examples meet a model's vocabulary: the prompt as the model sees it (chat-formatted, ending where
 * the assistant's answer begins), reference completions, and decoding of what the model wrote.
 */
public interface Prompter {
    /** Token ids of the formatted prompt, ready for generation. */
    int[] promptIds(Example e);

    /** Token ids of the reference completion followed by end-of-turn, for next-token training. */
    int[] referenceIds(Example e);

    /** Text of generated ids (special tokens dropped). */
    String decode(int[] completion);

    /** Ids that end a completion. */
    int[] stopIds();
}
