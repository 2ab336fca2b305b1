package t2j.task.real;

/**
 * How a dataset file is read.
 *
 * <p>{@code skipMalformed}: skip lines that do not parse or lack a field (and count them) instead of failing.
 * {@code transferShots}: when no transfer file is given, move this many test examples (chosen with
 * {@code transferSeed}) into the transfer split, as the original code takes its few-shot prompts from the
 * evaluation set and scores on the rest.
 *
 * <pre>{@code
 * LoadOptions opts = LoadOptions.DEFAULT.skippingMalformed().withTransfer(10, 38);
 * }</pre>
 */
public record LoadOptions(boolean skipMalformed, int transferShots, long transferSeed) {
    /** Fail on the first malformed line; no transfer split. */
    public static final LoadOptions DEFAULT = new LoadOptions(false, 0, 0);

    public LoadOptions {
        if (transferShots < 0) throw new IllegalArgumentException("transferShots must be >= 0: " + transferShots);
    }

    /** A copy that skips and counts malformed lines. */
    public LoadOptions skippingMalformed() {
        return new LoadOptions(true, transferShots, transferSeed);
    }

    /** A copy that carves {@code shots} transfer examples out of the test split. */
    public LoadOptions withTransfer(int shots, long seed) {
        return new LoadOptions(skipMalformed, shots, seed);
    }
}
