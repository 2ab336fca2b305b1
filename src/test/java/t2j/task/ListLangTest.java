package t2j.task;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListLangTest {

    private static Object run(String program, Long... input) throws Exception {
        return ListLang.parse(program).run(List.of(input), ListLang.Limits.DEFAULT);
    }

    @Test
    void runsEveryPrimitive() throws Exception {
        assertEquals(18L, run("filter(n>3)|map(n*2)|sum", 5L, 1L, 4L));
        assertEquals(List.of(4L, 2L), run("filter(n%2==0) | rev", 2L, 3L, 4L));
        assertEquals(List.of(1L, 3L, 6L), run("scan", 1L, 2L, 3L));
        assertEquals(List.of(3L, 1L), run("uniq", 3L, 1L, 3L));
        assertEquals(24L, run("prod", 2L, 3L, 4L));
        assertEquals(List.of(1L, 2L), run("sort|take(2)", 3L, 2L, 1L));
        assertEquals(List.of(3L), run("drop(n-1)", 1L, 2L, 3L));
        assertEquals(3L, run("len", 7L, 7L, 7L));
        assertEquals(9L, run("max", 1L, 9L, 4L));
        assertEquals(1L, run("min", 1L, 9L, 4L));
        assertEquals(1L, run("first", 1L, 9L));
        assertEquals(9L, run("last", 1L, 9L));
        assertEquals(List.of(0L, 1L, 2L), run("len|range", 5L, 5L, 5L));
        assertEquals(16L, run("sum|while(n<10, n*2)", 1L, 1L, 2L));
        assertEquals(List.of(-2L, 1L), run("map((n - 3) / 2)", 0L, 5L), "floor division");
        assertEquals(List.of(2L), run("filter(n>1 and n<3 or n==99)", 1L, 2L, 3L));
        assertEquals(List.of(-1L), run("map(-n)", 1L));
    }

    @Test
    void syntaxErrorsSayWhere() {
        ListLang.SyntaxError e = assertThrows(ListLang.SyntaxError.class, () -> ListLang.parse("map(n*)"));
        assertTrue(e.getMessage().contains("column"), e.getMessage());
        for (String bad : new String[] {
            "",
            "map",
            "map(n+1",
            "filter(n)",
            "frobnicate",
            "sum sum",
            "map(n+1)|",
            "map(x+1)",
            "take(99999999999999999999)",
            "sum|"
        }) assertThrows(ListLang.SyntaxError.class, () -> ListLang.parse(bad), bad);
    }

    @Test
    void deepNestingAndHugeSourcesAreRejectedNotOverflowed() {
        assertThrows(
                ListLang.SyntaxError.class,
                () -> ListLang.parse("map(" + "(".repeat(300) + "n" + ")".repeat(300) + ")"));
        assertThrows(ListLang.SyntaxError.class, () -> ListLang.parse("map(" + "-".repeat(300) + "n)"));
        assertThrows(ListLang.SyntaxError.class, () -> ListLang.parse("rev|".repeat(200) + "rev"));
    }

    @Test
    void runtimeErrorsAreReported() {
        assertThrows(ListLang.RuntimeError.class, () -> run("max"));
        assertThrows(ListLang.RuntimeError.class, () -> run("map(n/0)", 1L));
        assertThrows(ListLang.RuntimeError.class, () -> run("sum|map(n)", 1L), "type error");
        assertThrows(ListLang.RuntimeError.class, () -> run("range", 1L));
        assertThrows(ListLang.RuntimeError.class, () -> run("map(n*n*n*n*n*n*n*n)", 1000L), "overflow");
    }

    @Test
    void runawayProgramsHitTheLimits() {
        // Loops forever without the step limit.
        assertThrows(ListLang.LimitExceeded.class, () -> run("sum|while(n>0, n+1)", 1L));
        assertThrows(ListLang.LimitExceeded.class, () -> run("sum|while(n==n, n)", 1L));
        // Asks for an unbounded allocation: refused before allocating.
        assertThrows(ListLang.LimitExceeded.class, () -> run("sum|range", 2_000_000_000L));
        // Many allowed-size lists still exhaust the total cell budget.
        ListLang.Limits tight = new ListLang.Limits(1_000_000, 1_000, 2_500, 32, 400);
        assertThrows(
                ListLang.LimitExceeded.class,
                () -> ListLang.parse("sum|range|map(n)|map(n)|map(n)").run(List.of(900L), tight));
    }

    @Test
    void showRendersLikePrompts() {
        assertEquals("[1,2,3]", ListLang.show(List.of(1L, 2L, 3L)));
        assertEquals("[]", ListLang.show(List.of()));
        assertEquals("8", ListLang.show(8L));
    }
}
