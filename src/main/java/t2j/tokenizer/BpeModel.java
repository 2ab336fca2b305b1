package t2j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code model} of tokenizer.json for {@code "type": "BPE"}: a vocabulary and ranked merges, applied to one
 * pre-tokenized piece at a time. Covers both families this project loads: byte-level BPE (Llama-3: every piece is
 * already in GPT-2's byte alphabet, {@code ignore_merges} emits whole-vocabulary pieces directly) and
 * SentencePiece-style BPE (Mistral: characters missing from the vocabulary fall back to {@code <0xNN>} byte tokens).
 *
 * <p>Merging follows Hugging Face exactly: repeatedly apply the lowest-ranked adjacent pair, leftmost first. A heap
 * of candidate pairs keeps that O(n log n) for long pieces, and a cache of recent pieces skips the work for the
 * common words of a text.
 */
final class BpeModel {
    private static final int CACHE_LIMIT = 100_000;
    private static final int CACHEABLE_LENGTH = 256;
    private static final char METASPACE = '\u2581';

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    /** Token id of each BMP character that is itself a token, so that most symbols skip the map lookup. */
    private final int[] charIds = new int[Character.MAX_VALUE + 1];
    /** Token id of {@code <0xNN>} for each byte, or -1; only consulted with byte_fallback. */
    private final int[] byteIds = new int[256];

    private final PairTable merges;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final boolean fuseUnk;
    private final int unkId;
    /**
     * True when no token holds '▁' right after another character than '▁'. Then no merge can join a word to the
     * '▁' that starts the next one, so a long SentencePiece-style piece (which has no pre-tokenizer to cut it) can
     * be encoded word by word, through the cache, with exactly the same result.
     */
    private final boolean cutsBeforeMetaspace;

    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BpeModel(Spec s) {
        String type = s.string("type", "BPE");
        if (!type.equals("BPE"))
            throw s.error(
                    "type",
                    "unsupported tokenizer model type \"" + type
                            + "\" (only BPE is implemented; Unigram, WordPiece and WordLevel are not)");
        for (String key : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (s.has(key) && !s.string(key).isEmpty())
                throw s.error(key, "not supported (found " + Spec.describe(s.raw(key)) + ")");
        }
        if (s.has("dropout")
                && !(s.raw("dropout") instanceof Number && ((Number) s.raw("dropout")).doubleValue() == 0.0))
            throw s.error(
                    "dropout",
                    "BPE dropout is a training-time feature and is not supported (found "
                            + Spec.describe(s.raw("dropout")) + ")");
        byteFallback = s.bool("byte_fallback", false);
        ignoreMerges = s.bool("ignore_merges", false);
        fuseUnk = s.bool("fuse_unk", false);

        Spec v = s.object("vocab");
        vocab = new HashMap<>(v.map.size() * 2);
        int maxId = -1;
        for (Map.Entry<String, Object> e : v.map.entrySet()) {
            Object id = e.getValue();
            if (!(id instanceof Long) || (Long) id < 0 || (Long) id > Integer.MAX_VALUE)
                throw s.error(
                        "vocab",
                        "token " + Spec.describe(e.getKey()) + " has id " + Spec.describe(id)
                                + ", expected a non-negative integer");
            vocab.put(e.getKey(), (int) (long) (Long) id);
            maxId = Math.max(maxId, (int) (long) (Long) id);
        }
        idToToken = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (idToToken[e.getValue()] != null)
                throw s.error(
                        "vocab",
                        "id " + e.getValue() + " is used by both " + Spec.describe(idToToken[e.getValue()]) + " and "
                                + Spec.describe(e.getKey()));
            idToToken[e.getValue()] = e.getKey();
        }
        Arrays.fill(charIds, -1);
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String t = e.getKey();
            if (t.length() == 1) charIds[t.charAt(0)] = e.getValue();
        }
        cutsBeforeMetaspace = vocab.keySet().stream().noneMatch(t -> t.matches("(?s).*[^\u2581]\u2581.*"));
        for (int b = 0; b < 256; b++) byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);

        String unk = s.has("unk_token") ? s.string("unk_token") : null;
        if (unk != null && !vocab.containsKey(unk))
            throw s.error("unk_token", Spec.describe(unk) + " is not in the vocabulary");
        unkId = unk == null ? -1 : vocab.get(unk);

        List<Object> list = s.list("merges");
        merges = new PairTable(list.size());
        for (int rank = 0; rank < list.size(); rank++) {
            Object m = list.get(rank);
            String a, b;
            if (m instanceof String && ((String) m).indexOf(' ') > 0) {
                String str = (String) m;
                int sp = str.indexOf(' ');
                a = str.substring(0, sp);
                b = str.substring(sp + 1);
            } else if (m instanceof List
                    && ((List<?>) m).size() == 2
                    && ((List<?>) m).get(0) instanceof String
                    && ((List<?>) m).get(1) instanceof String) {
                a = (String) ((List<?>) m).get(0);
                b = (String) ((List<?>) m).get(1);
            } else {
                throw new TokenizerException(s.file + ": field '" + s.field("merges") + "[" + rank
                        + "]': expected \"a b\" or [\"a\", \"b\"], found " + Spec.describe(m));
            }
            Integer ia = vocab.get(a), ib = vocab.get(b), merged = vocab.get(a + b);
            if (ia == null || ib == null || merged == null) {
                String missing = ia == null ? a : ib == null ? b : a + b;
                throw new TokenizerException(s.file + ": field '" + s.field("merges") + "[" + rank + "]': merge of "
                        + Spec.describe(a) + " and " + Spec.describe(b) + " needs token " + Spec.describe(missing)
                        + ", which is not in the vocabulary");
            }
            merges.putIfAbsent(ia, ib, rank, merged);
        }
    }

    int size() {
        return idToToken.length;
    }

    /** The vocabulary string of {@code id}, or null when the model has no such id (added tokens live elsewhere). */
    String token(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    Integer id(String token) {
        return vocab.get(token);
    }

    /** Appends the ids of one pre-tokenized piece. */
    void encode(String piece, IntList out) {
        if (cutsBeforeMetaspace && piece.indexOf(METASPACE, 1) > 0) {
            int start = 0;
            for (int i = 1; i < piece.length(); i++) {
                if (piece.charAt(i) == METASPACE && piece.charAt(i - 1) != METASPACE) {
                    encodeWord(piece.substring(start, i), out);
                    start = i;
                }
            }
            encodeWord(piece.substring(start), out);
        } else {
            encodeWord(piece, out);
        }
    }

    private void encodeWord(String piece, IntList out) {
        if (piece.isEmpty()) return;
        if (ignoreMerges) {
            Integer whole = vocab.get(piece);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        boolean cacheable = piece.length() <= CACHEABLE_LENGTH;
        int[] ids = cacheable ? cache.get(piece) : null;
        if (ids == null) {
            ids = merge(piece);
            if (cacheable) {
                // A crude bound: clearing is cheaper than LRU bookkeeping, and a full cache means a huge varied text.
                if (cache.size() >= CACHE_LIMIT) cache.clear();
                cache.put(piece, ids);
            }
        }
        out.addAll(ids);
    }

    private int[] merge(String piece) {
        IntList syms = new IntList(piece.length());
        boolean lastUnk = false;
        for (int i = 0; i < piece.length(); ) {
            int cp = piece.codePointAt(i);
            int n = Character.charCount(cp);
            int id = n == 1 ? charIds[cp] : vocab.getOrDefault(piece.substring(i, i + n), -1);
            i += n;
            if (id >= 0) {
                syms.add(id);
                lastUnk = false;
                continue;
            }
            if (byteFallback && addBytes(cp, syms)) {
                lastUnk = false;
                continue;
            }
            // Without an unk token Hugging Face drops the character; fuse_unk folds a run of unknowns into one.
            if (unkId >= 0 && !(fuseUnk && lastUnk)) syms.add(unkId);
            lastUnk = unkId >= 0;
        }
        return applyMerges(syms.toArray());
    }

    private boolean addBytes(int cp, IntList syms) {
        byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) if (byteIds[b & 0xFF] < 0) return false;
        for (byte b : bytes) syms.add(byteIds[b & 0xFF]);
        return true;
    }

    /**
     * Applies merges lowest rank first, leftmost first among equal ranks. Symbols form a linked list over the
     * array; heap entries are (rank, left position) packed in a long, and stale ones are skipped when popped.
     */
    private int[] applyMerges(int[] sym) {
        int n = sym.length;
        if (n < 2) return sym;
        int[] prev = new int[n], next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) pushPair(heap, sym, i, i + 1);
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int rank = (int) (top >>> 32), pos = (int) top;
            int right = next[pos];
            if (sym[pos] < 0 || right < 0) continue;
            long m = merges.get(sym[pos], sym[right]);
            if (m < 0 || (int) (m >>> 32) != rank) continue;
            sym[pos] = (int) m;
            sym[right] = -1;
            next[pos] = next[right];
            if (next[right] >= 0) prev[next[right]] = pos;
            alive--;
            if (prev[pos] >= 0) pushPair(heap, sym, prev[pos], pos);
            if (next[pos] >= 0) pushPair(heap, sym, pos, next[pos]);
        }
        int[] out = new int[alive];
        for (int i = 0, k = 0; i >= 0; i = next[i]) out[k++] = sym[i];
        return out;
    }

    private void pushPair(LongHeap heap, int[] sym, int left, int right) {
        long m = merges.get(sym[left], sym[right]);
        if (m >= 0) heap.push((m >>> 32) << 32 | left);
    }

    /** Open-addressing map from a token-id pair to (rank, merged id) packed in a long; -1 when absent. */
    private static final class PairTable {
        private final long[] keys;
        private final long[] values;
        private final int mask;

        PairTable(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            keys = new long[cap];
            values = new long[cap];
            mask = cap - 1;
            Arrays.fill(keys, -1L);
        }

        private int slot(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            int i = (int) (h >>> 32) & mask;
            while (keys[i] != -1L && keys[i] != key) i = (i + 1) & mask;
            return i;
        }

        /** Keeps the first (lowest-ranked) entry for a pair, as Hugging Face does for duplicated merges. */
        void putIfAbsent(int a, int b, int rank, int merged) {
            long key = (long) a << 32 | (b & 0xFFFFFFFFL);
            int i = slot(key);
            if (keys[i] == key) return;
            keys[i] = key;
            values[i] = (long) rank << 32 | merged;
        }

        long get(int a, int b) {
            long key = (long) a << 32 | (b & 0xFFFFFFFFL);
            int i = slot(key);
            return keys[i] == key ? values[i] : -1L;
        }
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) break;
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long v = a[--size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) break;
                if (c + 1 < size && a[c + 1] < a[c]) c++;
                if (a[c] >= v) break;
                a[i] = a[c];
                i = c;
            }
            a[i] = v;
            return top;
        }
    }
}
