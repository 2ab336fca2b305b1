package t2j.expert.feedback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import t2j.adapt.AdaptContext;
import t2j.adapt.Controls;
import t2j.adapt.Decision;
import t2j.adapt.ExpertPool;
import t2j.adapt.Scope;
import t2j.adapt.TwoPass;
import t2j.adapt.log.AdaptationLog;
import t2j.adapt.log.LogEntry;
import t2j.stats.PairedDifference;
import t2j.svf.Expert;
import t2j.svf.SvfAdapter;
import t2j.task.Example;
import t2j.task.Task;
import t2j.train.Evaluator;
import t2j.train.Trainer;
import t2j.train.TrainingConfig;
import t2j.util.Progress;

/**
 * Learning from feedback, with versions. Verdicts on answers routed to an expert accumulate; {@link #update} runs the
 * REINFORCE trainer on them from the expert's current z and writes the result as a new version file
 * ({@code NAME.vN.safetensors} in the versions folder; no file is ever overwritten), which replaces the expert in
 * the pool only if its accuracy on a held-out check is not below its predecessor's. A rejected update is rolled back
 * (the pool keeps the old version; the file stays, marked {@code status=rejected}, for the audit) and the log says
 * why. {@link #versions}, {@link #revert} and {@link #diff} work on
 * the version files, whose metadata carry {@code version}, {@code parent_version} and {@code feedback_count}.
 *
 * <pre>{@code
 * FeedbackLearner fl = new FeedbackLearner(ctx, Path.of("versions"), TrainingConfig.reinforce());
 * fl.feedback(answer, +1);                      // or -1
 * FeedbackLearner.Update u = fl.update("math", mathTask, heldOut);
 * fl.revert("math", 1);
 * }</pre>
 */
public final class FeedbackLearner {
    private static final Pattern VERSION_FILE = Pattern.compile("(.+)\\.v(\\d+)\\.safetensors");

    private final AdaptContext ctx;
    private final Path dir;
    private final TrainingConfig cfg;
    private final Map<String, List<Feedback>> pending = new LinkedHashMap<>();
    private final Map<String, Integer> active = new LinkedHashMap<>();
    private final Map<String, Auto> auto = new LinkedHashMap<>();
    private final List<Update> updates = new ArrayList<>();

    private record Auto(int every, Task task, List<Example> heldOut) {}

    /** @param cfg REINFORCE settings of each update; its answer length should be the context's */
    public FeedbackLearner(AdaptContext ctx, Path versionsDir, TrainingConfig cfg) {
        if (cfg.objective() != TrainingConfig.Objective.REINFORCE)
            throw new IllegalArgumentException("feedback updates use REINFORCE");
        this.ctx = ctx;
        this.dir = versionsDir;
        this.cfg = cfg;
    }

    /** One version file of an expert. */
    public record Version(
            String expert, int version, Path file, int parent, int feedbackCount, String status, String fingerprint) {}

    /**
     * What an update did: the version it started from, the one it wrote (kept or not), the held-out accuracy of both
     * on the same examples with their paired difference, and the reason in words.
     */
    public record Update(
            String expert,
            int from,
            int to,
            boolean kept,
            int feedbacks,
            Evaluator.Evaluation before,
            Evaluator.Evaluation after,
            PairedDifference difference,
            String reason) {}

    /** Per-matrix change of the masks between two versions: mean and largest |Δmask|. */
    public record Diff(String expert, int a, int b, Map<String, double[]> perMatrix) {
        public String markdown() {
            StringBuilder s = new StringBuilder(String.format(
                    Locale.ROOT, "| %s v%d → v%d | mean abs Δmask | max abs Δmask |%n|---|---:|---:|%n", expert, a, b));
            perMatrix.forEach((k, v) -> s.append(String.format(Locale.ROOT, "| %s | %.2e | %.2e |%n", k, v[0], v[1])));
            return s.toString();
        }
    }

    /** Records a verdict on an answer of the two-pass runner; it must have been routed to exactly one expert. */
    public void feedback(TwoPass.Answer answer, double reward) {
        Decision d = answer.decision();
        if (d.mixture().alpha().size() != 1
                || !ctx.pool().has(d.mixture().alpha().keySet().iterator().next()))
            throw new IllegalArgumentException(
                    "the answer to " + answer.example().id() + " was composed from "
                            + d.mixture()
                            + ", not one expert: there is no expert to update from this feedback");
        String expert = d.mixture().alpha().keySet().iterator().next();
        Example e = answer.example();
        feedback(new Feedback(expert, e.id(), e.system(), e.prompt(), answer.completion(), reward));
    }

    /** Records a verdict; when {@link #updateEvery} asked for it, the expert is updated once enough have come in. */
    public synchronized void feedback(Feedback f) {
        ctx.pool().expert(f.expert());
        pending.computeIfAbsent(f.expert(), k -> new ArrayList<>()).add(f);
        Auto a = auto.get(f.expert());
        if (a != null && pending.get(f.expert()).size() >= a.every()) update(f.expert(), a.task(), a.heldOut());
    }

    /** Updates {@code expert} by itself after every {@code n} verdicts, checked on {@code heldOut} of {@code task}. */
    public synchronized FeedbackLearner updateEvery(int n, String expert, Task task, List<Example> heldOut) {
        if (n <= 0) throw new IllegalArgumentException("update every n verdicts needs n > 0, got " + n);
        ctx.pool().expert(expert);
        auto.put(expert, new Auto(n, task, List.copyOf(heldOut)));
        return this;
    }

    /** Every update this learner made, kept or rolled back, oldest first. */
    public synchronized List<Update> updates() {
        return List.copyOf(updates);
    }

    /** Feedback collected for {@code expert} since its last update. */
    public synchronized List<Feedback> pending(String expert) {
        return List.copyOf(pending.getOrDefault(expert, List.of()));
    }

    /**
     * Trains {@code expert} on its pending feedback and keeps the new version only if its accuracy on
     * {@code heldOut} (verified by {@code task}) is not below the current version's. The pending feedback is used up
     * either way.
     */
    public Update update(String expert, Task task, List<Example> heldOut) {
        return update(expert, task, heldOut, cfg);
    }

    /** {@link #update(String, Task, List)} with other REINFORCE settings for this update only. */
    public synchronized Update update(String expert, Task task, List<Example> heldOut, TrainingConfig cfg) {
        List<Feedback> items = pending(expert);
        if (items.isEmpty())
            throw new IllegalStateException("no feedback collected for expert '" + expert + "' since its last update");
        if (heldOut.isEmpty()) throw new IllegalArgumentException("the held-out check needs examples");
        ExpertPool pool = ctx.pool();
        int from = current(expert);
        Version parent = version(expert, from);
        Expert old = pool.expert(expert);
        Map<String, float[]> z;
        try (Scope hold = pool.use()) {
            // The trainer writes the weights through an adapter of its own; the scope holds the model meanwhile and
            // puts the base weights back when it closes.
            SvfAdapter svf = new SvfAdapter(ctx.model(), pool.decomposition(), pool.parametrization(), cfg.seed());
            svf.setZ(old.z());
            hold.composeZ(old.z());
            try {
                z = new Trainer(ctx.model(), svf, new FeedbackTask(expert, items), ctx.prompter(), cfg)
                        .train(new Trainer.Listener() {})
                        .best();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        pending.remove(expert);
        int to = latest(expert) + 1;
        Map<String, String> info = new LinkedHashMap<>(old.info());
        info.remove("source");
        info.put("version", Integer.toString(to));
        info.put("parent_version", Integer.toString(from));
        info.put("parent_fingerprint", parent.fingerprint());
        info.put("feedback_count", Integer.toString(parent.feedbackCount() + items.size()));
        info.put("feedback_in_update", Integer.toString(items.size()));
        info.put("feedback_iterations", Integer.toString(cfg.iterations()));
        Expert candidate = new Expert(z, Map.of());
        Evaluator ev = new Evaluator(ctx.model(), ctx.prompter(), ctx.maxNewTokens(), ctx.batchSize());
        Evaluator.Evaluation before, after;
        try (Scope s = pool.use()) {
            s.composeZ(old.z());
            before = ev.evaluate(task, heldOut, Progress.NONE);
            s.composeZ(candidate.z());
            after = ev.evaluate(task, heldOut, Progress.NONE);
        }
        PairedDifference diff = PairedDifference.of(correct(after), correct(before));
        boolean keep = after.accuracy() >= before.accuracy();
        info.put("status", keep ? "kept" : "rejected");
        info.put("held_out_accuracy", Double.toString(after.accuracy()));
        info.put("parent_held_out_accuracy", Double.toString(before.accuracy()));
        Path file = file(expert, to);
        try {
            if (Files.exists(file))
                throw new IllegalStateException(file + " exists already; versions are never overwritten");
            new Expert(z, info).save(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write expert version " + file, e);
        }
        String numbers = String.format(
                Locale.ROOT,
                "held-out %s %.3f vs v%d %.3f (n=%d, paired Δ %+.3f [%+.3f, %+.3f], McNemar p=%.3g)",
                "v" + to,
                after.accuracy(),
                from,
                before.accuracy(),
                heldOut.size(),
                diff.delta(),
                diff.lo(),
                diff.hi(),
                diff.p());
        String reason;
        if (keep) {
            pool.replace(expert, load(file));
            active.put(expert, to);
            reason = "kept v" + to + " (parent v" + from + ", " + items.size() + " feedbacks): " + numbers;
            record("update", expert, reason);
        } else {
            reason = "rolled back: v" + to + " falls below v" + from + " on the held-out check, v" + from + " stays; "
                    + numbers;
            record("rollback", expert, reason);
        }
        Update u = new Update(expert, from, to, keep, items.size(), before, after, diff, reason);
        updates.add(u);
        return u;
    }

    private static boolean[] correct(Evaluator.Evaluation e) {
        boolean[] ok = new boolean[e.outcomes().size()];
        for (int i = 0; i < ok.length; i++)
            ok[i] = e.outcomes().get(i).verdict().correct();
        return ok;
    }

    /** Every version file of {@code expert}, oldest first (version 1 is the expert as the pool first held it),
     * rejected ones too. */
    public List<Version> versions(String expert) {
        current(expert);
        List<Version> out = new ArrayList<>();
        for (int v = 1; v <= latest(expert); v++) if (Files.exists(file(expert, v))) out.add(version(expert, v));
        return out;
    }

    /** The version the pool holds now. */
    public synchronized int current(String expert) {
        Integer v = active.get(expert);
        if (v != null) return v;
        Expert e = ctx.pool().expert(expert);
        String fp = ExpertPool.fingerprintOf(new Expert(e.z(), Map.of()));
        for (int k = latest(expert); k >= 1; k--) {
            Path f = file(expert, k);
            if (Files.exists(f) && fp.equals(ExpertPool.fingerprintOf(new Expert(load(f).z(), Map.of())))) {
                active.put(expert, k);
                return k;
            }
        }
        int k = latest(expert) + 1;
        Map<String, String> info = new LinkedHashMap<>(e.info());
        info.remove("source");
        info.put("version", Integer.toString(k));
        info.put("parent_version", "0");
        info.put("feedback_count", "0");
        info.put("status", "kept");
        try {
            new Expert(e.z(), info).save(file(expert, k));
        } catch (IOException x) {
            throw new UncheckedIOException("cannot write expert version " + file(expert, k), x);
        }
        active.put(expert, k);
        return k;
    }

    /** Puts version {@code version} back in the pool: the same z, so the same answers as when it was current. */
    public synchronized void revert(String expert, int version) {
        current(expert);
        Path f = file(expert, version);
        if (!Files.exists(f))
            throw new IllegalArgumentException(
                    "expert '" + expert + "' has no version " + version + " (" + f + " not found)");
        ctx.pool().replace(expert, load(f));
        int was = active.put(expert, version);
        record("revert", expert, "reverted by hand from v" + was + " to v" + version);
    }

    /** Per-matrix mask change from version {@code a} to {@code b}. */
    public Diff diff(String expert, int a, int b) {
        Expert ea = load(file(expert, a)), eb = load(file(expert, b));
        Map<String, double[]> per = new LinkedHashMap<>();
        for (String m : ctx.pool().matrices()) {
            float[] ma = ctx.pool().parametrization().masks(ea.z().get(m)),
                    mb = ctx.pool().parametrization().masks(eb.z().get(m));
            double sum = 0, max = 0;
            for (int i = 0; i < ma.length; i++) {
                double d = Math.abs(ma[i] - mb[i]);
                sum += d;
                max = Math.max(max, d);
            }
            per.put(m, new double[] {sum / ma.length, max});
        }
        return new Diff(expert, a, b, per);
    }

    /** {@code DIR/NAME.vN.safetensors}. */
    public Path file(String expert, int version) {
        return dir.resolve(expert + ".v" + version + ".safetensors");
    }

    private int latest(String expert) {
        if (!Files.isDirectory(dir)) return 0;
        int max = 0;
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Matcher m = VERSION_FILE.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(expert)) max = Math.max(max, Integer.parseInt(m.group(2)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list expert versions in " + dir, e);
        }
        return max;
    }

    private Version version(String expert, int v) {
        Path f = file(expert, v);
        Expert e = load(f);
        return new Version(
                expert,
                v,
                f,
                Integer.parseInt(e.info().getOrDefault("parent_version", "0")),
                Integer.parseInt(e.info().getOrDefault("feedback_count", "0")),
                e.info().getOrDefault("status", "kept"),
                ExpertPool.fingerprintOf(e));
    }

    private static Expert load(Path f) {
        try {
            return Expert.load(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read expert version " + f, e);
        }
    }

    private void record(String purpose, String expert, String note) {
        AdaptationLog log = ctx.pool().log();
        if (log == null) return;
        log.append(new LogEntry(
                0,
                Instant.now().toString(),
                log.session(),
                purpose,
                Map.of(expert, List.of(1.0)),
                Map.of(expert, ctx.pool().fingerprint(expert)),
                ctx.pool().matrices(),
                ctx.pool().decomposition().fingerprint(),
                Controls.NONE.toJson(),
                0,
                0,
                0,
                0,
                List.of(),
                note));
    }
}
