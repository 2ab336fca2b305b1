package t2j.generate;

import java.util.List;

/**
 * How to generate: at most {@code maxNewTokens}; stop on any of {@code eosIds} or when the decoded text ends with
 * one of {@code stopStrings} (the stop string is cut from the result); sampling by {@code temperature}/{@code topP}
 * with {@code seed}.
 */
public record GenerationConfig(
        int maxNewTokens, float temperature, float topP, long seed, int[] eosIds, List<String> stopStrings) {
    public GenerationConfig {
        if (maxNewTokens < 0) throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        eosIds = eosIds == null ? new int[0] : eosIds.clone();
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
    }

    /** Greedy decoding of up to {@code maxNewTokens}, stopping on {@code eosIds}. */
    public static GenerationConfig greedy(int maxNewTokens, int... eosIds) {
        return new GenerationConfig(maxNewTokens, 0f, 1f, 0, eosIds, List.of());
    }

    public GenerationConfig withSampling(float temperature, float topP, long seed) {
        return new GenerationConfig(maxNewTokens, temperature, topP, seed, eosIds, stopStrings);
    }

    public GenerationConfig withStopStrings(List<String> stops) {
        return new GenerationConfig(maxNewTokens, temperature, topP, seed, eosIds, stops);
    }

    boolean isEos(int id) {
        for (int e : eosIds) if (e == id) return true;
        return false;
    }
}
