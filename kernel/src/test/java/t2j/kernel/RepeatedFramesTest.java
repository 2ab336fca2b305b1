package t2j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepeatedFramesTest {
    @Test
    void mutualRecursionCollapsesToOneBlockAndShortRunsStay() {
        List<String> frames = new ArrayList<>(List.of("at top", "at top"));
        for (int i = 0; i < 50; i++) {
            frames.add("at even");
            frames.add("at odd");
        }
        frames.add("at cell");
        assertEquals(
                List.of(
                        "at top",
                        "at top",
                        "at even",
                        "at odd",
                        "    \u2026 the previous 2 frames repeated 49 times",
                        "at cell"),
                RepeatedFrames.collapse(frames));
    }
}
