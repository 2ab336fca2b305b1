package t2j.dsl;

import java.util.List;
import t2j.adapt.AdaptationStudy;

/**
 * The built-in strategies a {@link Study} can run, typed instead of the engine's string constants. Each maps to one
 * column of the study's table, except {@link #EXPERTS}, which gives one column per category expert (named after it).
 *
 * <pre>{@code
 * Study s = t2.compare(List.of("math-hard", "code-hard"), 30, Strategies.of(Strategy.BASE, Strategy.PROMPT, Strategy.ORACLE));
 * s.effect("code-hard", Strategy.ORACLE)       // accuracy, paired difference from base, "within noise" or not
 * }</pre>
 */
public enum Strategy {
    /** The base weights: the column everything is tested against. */
    BASE(AdaptationStudy.BASE),
    /** Each category expert alone, one column per expert. */
    EXPERTS(AdaptationStudy.EXPERTS),
    /** Pass 1 asks the base model for the category (the paper's prompt strategy). */
    PROMPT(AdaptationStudy.PROMPT),
    /** Pass 1 asks with the classification expert composed in (the paper's Cls-expert strategy). */
    CLASSIFIER(AdaptationStudy.CLASSIFIER),
    /** Each request to the expert of the next category (math → code → reasoning → math): the control that a wrong route hurts. */
    WRONG_ROUTER(AdaptationStudy.WRONG_ROUTER),
    /** One CEM mixture per task, searched on the task's transfer split (the paper's few-shot strategy). */
    FEW_SHOT(AdaptationStudy.FEW_SHOT),
    /** Each request to its true category's expert: what perfect routing would give. */
    ORACLE(AdaptationStudy.ORACLE);

    private final String column;

    Strategy(String column) {
        this.column = column;
    }

    /** The column name in tables and charts ({@code EXPERTS} has none of its own: its columns are the experts' names). */
    public String column() {
        return column;
    }

    /** The strategies that route each request (and so have a confusion matrix). */
    public boolean routes() {
        return this == PROMPT || this == CLASSIFIER || this == WRONG_ROUTER;
    }

    /** Every built-in strategy, in table order. */
    public static List<Strategy> all() {
        return List.of(values());
    }

    /** The strategy behind a column name, or null for an expert's or a custom dispatcher's column. */
    public static Strategy ofColumn(String column) {
        for (Strategy s : values()) if (s != EXPERTS && s.column.equals(column)) return s;
        return null;
    }

    @Override
    public String toString() {
        return column;
    }
}
