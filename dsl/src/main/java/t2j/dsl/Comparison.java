package t2j.dsl;

import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import t2j.adapt.AccuracyTable;

/**
 * Accuracy of several settings (base, experts, strategies, transferred experts) on several tasks: grouped bars and
 * the table of numbers.
 *
 * <pre>{@code
 * Comparison c = llama.experts().compare(List.of("math", "code", "reasoning"), 50);
 * c.accuracy("math", "math");   // the math expert on the math task
 * }</pre>
 */
public record Comparison(String title, AccuracyTable table) implements Renderable {
    /** Accuracy of {@code column} (a setting) on {@code row} (a task); NaN when not measured. */
    public double accuracy(String row, String column) {
        return table.accuracy(row, column);
    }

    /** A setting's mean accuracy over the tasks. */
    public double mean(String column) {
        return table.mean(column);
    }

    public CategoryChart chart() {
        CategoryChart c = Charts.accuracy(table);
        c.setTitle(title);
        return c;
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return Mime.stack(toString(), chart(), Tables.accuracy(table));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s%n%s", title, table.toMarkdown());
    }
}
