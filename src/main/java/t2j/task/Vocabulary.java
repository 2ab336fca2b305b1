package t2j.task;

import java.util.List;

/**
 * The words the synthetic families share, so their prompts overlap in vocabulary (a classifier must look at
 * structure, not a single name) while staying small enough for a character-level model.
 */
final class Vocabulary {
    private Vocabulary() {}

    static final List<String> HE = List.of("Tom", "Sam", "Ben", "Leo");
    static final List<String> SHE = List.of("Ann", "Mia", "Eva", "Zoe");
    static final List<String> NAMES = List.of("Tom", "Ann", "Sam", "Mia", "Ben", "Eva", "Leo", "Zoe");
    static final List<String> ITEMS = List.of("apples", "coins", "books", "cards", "pens", "eggs", "stamps", "shells");

    static String pronoun(String name) {
        return SHE.contains(name) ? "She" : "He";
    }
}
