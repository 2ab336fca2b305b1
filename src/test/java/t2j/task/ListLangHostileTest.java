package t2j.task;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile programs for the list language of the {@code code} tasks, which runs in-process: deep recursion, huge
 * lists, long loops, overflow. Each must end, quickly, in one of the language's own exceptions (never a
 * {@link StackOverflowError}, {@link OutOfMemoryError} or another runtime exception), under the default limits and
 * under limits that allow very long sources (where only nesting and step bounds stand between the program and the
 * JVM's stack).
 */
class ListLangHostileTest {
    /** Default bounds, but sources of up to a million characters. */
    private static final ListLang.Limits LONG_SOURCES = new ListLang.Limits(100_000, 1_000, 100_000, 32, 1_000_000);

    private record Hostile(
            String name, String source, List<Long> input, ListLang.Limits limits, Class<? extends Exception> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Long> longs(int n) {
        List<Long> out = new ArrayList<>();
        for (long i = 0; i < n; i++) out.add(i);
        return out;
    }

    static Stream<Hostile> catalogue() {
        ListLang.Limits d = ListLang.Limits.DEFAULT;
        return Stream.of(
                // Recursion: nesting is bounded at parse time, and operator chains are evaluated in a loop, whatever
                // the
                // source length allows.
                new Hostile(
                        "deep parentheses",
                        "map(" + "(".repeat(100_000) + "n" + ")".repeat(100_000) + ")",
                        List.of(1L),
                        LONG_SOURCES,
                        ListLang.SyntaxError.class),
                new Hostile(
                        "deep negation",
                        "map(" + "-".repeat(100_000) + "n)",
                        List.of(1L),
                        LONG_SOURCES,
                        ListLang.SyntaxError.class),
                new Hostile(
                        "long + chain",
                        "map(" + "n+".repeat(200_000) + "n)",
                        List.of(1L),
                        LONG_SOURCES,
                        ListLang.LimitExceeded.class),
                new Hostile(
                        "long * chain",
                        "map(" + "1*".repeat(200_000) + "n)",
                        List.of(1L),
                        LONG_SOURCES,
                        ListLang.LimitExceeded.class),
                new Hostile(
                        "long and chain",
                        "filter(" + "n>0 and ".repeat(100_000) + "n>0)",
                        List.of(1L),
                        LONG_SOURCES,
                        ListLang.LimitExceeded.class),
                new Hostile(
                        "long or chain",
                        "filter(" + "n<0 or ".repeat(100_000) + "n>0)",
                        List.of(1L),
                        LONG_SOURCES,
                        ListLang.LimitExceeded.class),
                new Hostile(
                        "a source longer than allowed",
                        "map(n)|".repeat(1_000) + "sum",
                        List.of(1L),
                        d,
                        ListLang.SyntaxError.class),
                // Long loops: every iteration costs a step.
                new Hostile("while true", "sum|while(n==n, n)", List.of(1L), d, ListLang.LimitExceeded.class),
                new Hostile("counting up forever", "sum|while(n>0, n+1)", List.of(1L), d, ListLang.LimitExceeded.class),
                new Hostile(
                        "a hundred thousand stages of work",
                        "len|range|map(n*2)|".repeat(40_000) + "sum",
                        List.of(1L, 2L, 3L),
                        LONG_SOURCES,
                        ListLang.LimitExceeded.class),
                new Hostile(
                        "many cheap stages",
                        "len|".repeat(200_000) + "len",
                        longs(3),
                        LONG_SOURCES,
                        ListLang.RuntimeError.class),
                new Hostile(
                        "many reversals",
                        "rev|".repeat(200_000) + "rev",
                        longs(900),
                        LONG_SOURCES,
                        ListLang.LimitExceeded.class),
                // Huge lists: lengths and total cells are checked before anything is allocated.
                new Hostile(
                        "range of a huge number",
                        "sum|range",
                        List.of(4_000_000_000L),
                        d,
                        ListLang.LimitExceeded.class),
                new Hostile(
                        "range of Long.MAX_VALUE",
                        "sum|range",
                        List.of(Long.MAX_VALUE),
                        d,
                        ListLang.LimitExceeded.class),
                new Hostile(
                        "lists that keep growing",
                        "map(n)|".repeat(150) + "sum",
                        longs(1_000),
                        LONG_SOURCES,
                        ListLang.LimitExceeded.class),
                new Hostile(
                        "sorting again and again",
                        "sort|".repeat(100) + "sum",
                        longs(1_000),
                        LONG_SOURCES,
                        ListLang.LimitExceeded.class),
                new Hostile("an input over the length limit", "sum", longs(5_000), d, ListLang.LimitExceeded.class),
                new Hostile(
                        "take of an overflowing count",
                        "take(n*n*n*n*n*n*n)|sum",
                        longs(1_000),
                        d,
                        ListLang.RuntimeError.class),
                // Arithmetic: overflow is an error, not a wrap-around or an exception from the JVM.
                new Hostile("overflowing product", "prod", List.of(Long.MAX_VALUE, 2L), d, ListLang.RuntimeError.class),
                new Hostile("overflowing scan", "scan", List.of(Long.MAX_VALUE, 1L), d, ListLang.RuntimeError.class),
                new Hostile("MIN / -1", "map(n/(0-1))", List.of(Long.MIN_VALUE), d, ListLang.RuntimeError.class),
                new Hostile("negating MIN", "map(-n)", List.of(Long.MIN_VALUE), d, ListLang.RuntimeError.class),
                new Hostile(
                        "a literal too large",
                        "map(n+99999999999999999999999)",
                        List.of(1L),
                        d,
                        ListLang.SyntaxError.class),
                new Hostile(
                        "division by zero in a loop",
                        "sum|while(n>0, n/0)",
                        List.of(1L),
                        d,
                        ListLang.RuntimeError.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void endsQuicklyInTheLanguagesOwnError(Hostile h) {
        long start = System.nanoTime();
        Throwable thrown = null;
        Object result = null;
        try {
            result = ListLang.parse(h.source(), h.limits()).run(h.input(), h.limits());
        } catch (Throwable t) {
            thrown = t;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertNotNull(thrown, h.name() + " returned " + result);
        assertTrue(h.expected().isInstance(thrown), h.name() + " threw " + thrown);
        assertTrue(seconds < 2, h.name() + " took " + seconds + " s");
    }
}
