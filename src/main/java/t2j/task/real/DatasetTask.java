package t2j.task.real;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import t2j.json.Json;
import t2j.json.JsonException;
import t2j.task.Example;
import t2j.task.Split;
import t2j.task.Task;

/**
 * Base of the real-format loaders: reads one file per split and turns each record into an {@link Example}.
 *
 * <p>Accepted inputs: {@code .jsonl} and {@code .jsonl.gz} (one object per line, blank lines ignored), a
 * {@code .json} file holding one object or an array of objects, or a directory of such {@code .json} files
 * (as the MATH release ships), read in sorted path order. A record that does not parse or lacks a field raises
 * {@link MalformedDataException} naming file and line, or is skipped and counted with
 * {@link LoadOptions#skipMalformed()}.
 *
 * <pre>{@code
 * Gsm8kTask t = Gsm8kTask.load(Map.of(Split.TEST, Path.of("gsm8k/test.jsonl")), LoadOptions.DEFAULT.skippingMalformed());
 * System.out.println(t.examples(Split.TEST).size() + " loaded, " + t.skipped() + " skipped");
 * }</pre>
 */
public abstract class DatasetTask implements Task {

    /** Turns one record into an example; throws {@link IllegalArgumentException} when the record is unusable. */
    @FunctionalInterface
    public interface RowParser {
        Example parse(Row row, String id);
    }

    private final String name;
    private final String category;
    private final Map<Split, List<Example>> splits = new EnumMap<>(Split.class);
    private final List<String> problems = new ArrayList<>();
    private int skipped;

    protected DatasetTask(String name, String category, Map<Split, Path> files, LoadOptions options, RowParser parser) {
        this.name = name;
        this.category = category;
        for (Split s : Split.values()) {
            Path file = files.get(s);
            splits.put(s, file == null ? List.of() : read(file, s, options, parser));
        }
        if (options.transferShots() > 0 && !files.containsKey(Split.TRANSFER)) carveTransfer(options);
        splits.replaceAll((s, l) -> Collections.unmodifiableList(l));
    }

    private void carveTransfer(LoadOptions options) {
        List<Example> test = splits.get(Split.TEST);
        if (test.size() < options.transferShots())
            throw new IllegalArgumentException(name + ": " + options.transferShots()
                    + " transfer shots requested but the test split has " + test.size() + " examples");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) order.add(i);
        Collections.shuffle(order, new Random(options.transferSeed()));
        List<Integer> chosen = new ArrayList<>(order.subList(0, options.transferShots()));
        List<Example> transfer = new ArrayList<>();
        for (int i : chosen) transfer.add(test.get(i));
        Collections.sort(chosen);
        List<Example> rest = new ArrayList<>(test);
        for (int k = chosen.size() - 1; k >= 0; k--) rest.remove((int) chosen.get(k));
        splits.put(Split.TEST, rest);
        splits.put(Split.TRANSFER, transfer);
    }

    private List<Example> read(Path file, Split split, LoadOptions options, RowParser parser) {
        List<Example> out = new ArrayList<>();
        String prefix = name + "-" + split.name().toLowerCase() + "-";
        for (RawRecord rec : records(file)) {
            String where = rec.where;
            try {
                Object value = rec.value != null ? rec.value : Json.parse(rec.text, where);
                if (!(value instanceof Map<?, ?>)) throw new IllegalArgumentException("expected a JSON object");
                @SuppressWarnings("unchecked")
                Row row = new Row((Map<String, Object>) value, where, out.size());
                out.add(parser.parse(row, prefix + out.size()));
            } catch (JsonException | IllegalArgumentException | ClassCastException e) {
                String msg = e instanceof JsonException ? e.getMessage() : where + ": " + e.getMessage();
                if (!options.skipMalformed()) throw new MalformedDataException(msg, e);
                skipped++;
                if (problems.size() < 20) problems.add(msg);
            }
        }
        return out;
    }

    private record RawRecord(String where, String text, Object value) {}

    private static List<RawRecord> records(Path path) {
        try {
            if (Files.isDirectory(path)) {
                List<RawRecord> out = new ArrayList<>();
                try (Stream<Path> walk = Files.walk(path)) {
                    for (Path p : walk.filter(Files::isRegularFile)
                            .filter(DatasetTask::isData)
                            .sorted()
                            .toList()) out.addAll(records(p));
                }
                return out;
            }
            String fileName = path.getFileName().toString();
            String text;
            try (InputStream in = fileName.endsWith(".gz")
                    ? new GZIPInputStream(Files.newInputStream(path))
                    : Files.newInputStream(path)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<RawRecord> out = new ArrayList<>();
            if (fileName.endsWith(".json")) {
                Object v;
                try {
                    v = Json.parse(text, path.toString());
                } catch (JsonException e) {
                    out.add(new RawRecord(path.toString(), text, null)); // reported (or skipped) like a bad line
                    return out;
                }
                if (v instanceof List<?> list) {
                    for (int i = 0; i < list.size(); i++)
                        out.add(new RawRecord(path + ": element " + i, null, list.get(i)));
                } else {
                    out.add(new RawRecord(path.toString(), null, v));
                }
                return out;
            }
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) continue;
                out.add(new RawRecord(path + ":" + (i + 1), lines[i], null));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static boolean isData(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".jsonl.gz");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String category() {
        return category;
    }

    @Override
    public List<Example> examples(Split split) {
        return splits.get(split);
    }

    /** How many malformed records were skipped (always 0 unless {@link LoadOptions#skipMalformed()}). */
    public int skipped() {
        return skipped;
    }

    /** The first few skipped records' problems, each starting with {@code file:line}. */
    public List<String> problems() {
        return List.copyOf(problems);
    }
}
