package t2j.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import t2j.adapt.Decision;
import t2j.adapt.Mixture;
import t2j.task.Example;

/**
 * How likely each request's prompt is under each expert: the mean log-probability per token of the prompt text, with
 * the expert composed into the weights ({@link Transformer2#score(List)}). The raw material of likelihood dispatchers.
 *
 * <pre>{@code
 * ExpertScores s = t2.score(Model.requests("mixed-hard", 10));
 * s.best(0);               // the expert under which request 0 is most likely
 * s.bestDecisions()        // one Decision per request: a whole dispatcher's output
 * }</pre>
 *
 * @param logProb [expert][request] mean log-probability per prompt token
 * @param base    [request] the same under the base weights
 */
public record ExpertScores(List<String> experts, List<Example> requests, double[][] logProb, double[] base)
        implements Renderable {
    public double score(String expert, int request) {
        int k = experts.indexOf(expert);
        if (k < 0)
            throw new IllegalArgumentException(
                    "no scores for expert '" + expert + "'; scored: " + String.join(", ", experts));
        return logProb[k][request];
    }

    /** The expert under which request {@code i} is most likely. */
    public String best(int i) {
        int best = 0;
        for (int k = 1; k < experts.size(); k++) if (logProb[k][i] > logProb[best][i]) best = k;
        return experts.get(best);
    }

    /** Best score minus the runner-up's for request {@code i}: how sure the argmax is. */
    public double margin(int i) {
        double a = Double.NEGATIVE_INFINITY, b = Double.NEGATIVE_INFINITY;
        for (double[] row : logProb) {
            double v = row[i];
            if (v > a) {
                b = a;
                a = v;
            } else if (v > b) b = v;
        }
        return experts.size() < 2 ? 0 : a - b;
    }

    /** α = softmax(score / temperature) over the experts for request {@code i}. */
    public Map<String, Double> softmax(int i, double temperature) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (double[] row : logProb) max = Math.max(max, row[i]);
        double[] w = new double[experts.size()];
        for (int k = 0; k < w.length; k++) z += w[k] = Math.exp((logProb[k][i] - max) / temperature);
        Map<String, Double> alpha = new LinkedHashMap<>();
        for (int k = 0; k < w.length; k++) alpha.put(experts.get(k), w[k] / z);
        return alpha;
    }

    /** One decision per request: the most likely expert. */
    public List<Decision> bestDecisions() {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++)
            out.add(Decision.expert(
                    best(i),
                    String.format(Locale.ROOT, "most likely under %s (margin %.4f per token)", best(i), margin(i))));
        return out;
    }

    /** One decision per request: the softmax mixture at {@code temperature}. */
    public List<Decision> softDecisions(double temperature) {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++)
            out.add(Decision.mixture(
                    Mixture.perExpert(softmax(i, temperature)), "softmax of log-likelihood at T=" + temperature));
        return out;
    }

    @Override
    public Map<String, Object> mimeBundle() {
        List<String> cols = new ArrayList<>(List.of("request", "base"));
        cols.addAll(experts);
        cols.add("most likely");
        List<List<?>> rows = new ArrayList<>();
        for (int i = 0; i < Math.min(requests.size(), Mime.MAX_ROWS); i++) {
            List<Object> row = new ArrayList<>();
            row.add(requests.get(i).id());
            row.add(Math.round(base[i] * 1e4) / 1e4);
            for (double[] r : logProb) row.add(Math.round(r[i] * 1e4) / 1e4);
            row.add(best(i));
            rows.add(row);
        }
        return Mime.table(Tables.of("mean log-probability per prompt token", cols, rows), toString());
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT, "log-likelihood of %d prompts under %s", requests.size(), String.join(", ", experts));
    }
}
