package t2j.dsl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import t2j.adapt.Dispatcher;
import t2j.adapt.FewShotCem;

/**
 * What a {@link Study} runs: built-in {@link Strategy strategies} and any number of named custom dispatchers, all on
 * the same requests. Immutable; every setter returns a changed copy. The base weights are always in the lineup,
 * because every other column is tested against them.
 *
 * <pre>{@code
 * Strategies lineup = Strategies.of(Strategy.PROMPT, Strategy.ORACLE)
 *         .plus("keywords", keywords)          // a lambda written in a cell
 *         .plus("likelihood", likelihood);     // another one, same study, same requests
 * Study s = t2.compare(List.of("math-hard", "code-hard", "mixed-hard"), 30, lineup);
 * }</pre>
 *
 * @param builtIns the built-in strategies, {@link Strategy#BASE} first
 * @param custom   column name → dispatcher, in column order
 * @param shots    few-shot examples per task (from the transfer split), when {@link Strategy#FEW_SHOT} runs
 * @param cem      CEM settings of the few-shot column
 */
public record Strategies(List<Strategy> builtIns, Map<String, Dispatcher> custom, int shots, FewShotCem.Config cem) {
    public Strategies {
        List<Strategy> b = new ArrayList<>();
        b.add(Strategy.BASE);
        for (Strategy s : builtIns) {
            if (s == null) throw new IllegalArgumentException("a strategy is null");
            if (!b.contains(s)) b.add(s);
        }
        builtIns = List.copyOf(b);
        custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
        if (shots <= 0) throw new IllegalArgumentException("shots must be > 0, got " + shots);
        if (cem == null) throw new IllegalArgumentException("CEM settings must not be null");
    }

    /** These built-in strategies (and the base weights), 10 shots and {@link Transformer2#FEW_SHOT_IN_COMPARE} for few-shot. */
    public static Strategies of(Strategy... strategies) {
        return new Strategies(List.of(strategies), Map.of(), 10, Transformer2.FEW_SHOT_IN_COMPARE);
    }

    /** Every built-in strategy. */
    public static Strategies all() {
        return of(Strategy.values());
    }

    /**
     * This lineup with one more column: {@code dispatcher} under {@code name}. Its first decision is checked on one
     * request of each task before the study runs anything else.
     * @throws IllegalArgumentException when the name is blank, names a built-in strategy, or is taken
     */
    public Strategies plus(String name, Dispatcher dispatcher) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a custom column needs a name");
        if (dispatcher == null)
            throw new IllegalArgumentException("custom column '" + name + "': the dispatcher is null");
        if (Strategy.ofColumn(name) != null || name.equals(Strategy.EXPERTS.column()))
            throw new IllegalArgumentException(
                    "'" + name + "' names a built-in strategy; give the custom column another name");
        if (custom.containsKey(name))
            throw new IllegalArgumentException("there is already a custom column named '" + name + "'");
        Map<String, Dispatcher> m = new LinkedHashMap<>(custom);
        m.put(name, dispatcher);
        return new Strategies(builtIns, m, shots, cem);
    }

    /** {@link #plus(String, Dispatcher)} under the dispatcher's own name. */
    public Strategies plus(Dispatcher dispatcher) {
        return plus(dispatcher.name(), dispatcher);
    }

    /** The dispatcher of {@code system} (e.g. {@code t2.by("keywords", d)}) as a custom column under its name. */
    public Strategies plus(Transformer2 system) {
        return plus(system.dispatcher().name(), system.dispatcher());
    }

    public Strategies shots(int n) {
        return new Strategies(builtIns, custom, n, cem);
    }

    public Strategies cem(FewShotCem.Config c) {
        return new Strategies(builtIns, custom, shots, c);
    }

    public boolean has(Strategy s) {
        return builtIns.contains(s);
    }

    /** The engine's strategy names, for {@code AdaptationStudy.Config}. */
    List<String> engineNames() {
        return builtIns.stream().map(Strategy::column).toList();
    }
}
