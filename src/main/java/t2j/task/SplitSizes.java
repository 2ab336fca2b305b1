package t2j.task;

/**
 * How many examples each split of a synthetic task holds.
 *
 * <pre>{@code
 * SplitSizes small = SplitSizes.DEFAULT.with(Split.TRAIN, 500);
 * }</pre>
 */
public record SplitSizes(int train, int validation, int test, int transfer) {
    /** Train 2000, validation 100, test 200, transfer 20. */
    public static final SplitSizes DEFAULT = new SplitSizes(2000, 100, 200, 20);

    public SplitSizes {
        if (train < 0 || validation < 0 || test < 0 || transfer < 0)
            throw new IllegalArgumentException(
                    "split sizes must be >= 0: " + train + "/" + validation + "/" + test + "/" + transfer);
    }

    /** The size of one split. */
    public int of(Split split) {
        return switch (split) {
            case TRAIN -> train;
            case VALIDATION -> validation;
            case TEST -> test;
            case TRANSFER -> transfer;
        };
    }

    /** A copy with one split's size changed. */
    public SplitSizes with(Split split, int n) {
        return new SplitSizes(
                split == Split.TRAIN ? n : train,
                split == Split.VALIDATION ? n : validation,
                split == Split.TEST ? n : test,
                split == Split.TRANSFER ? n : transfer);
    }
}
