package t2j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.model.ModelWeights;
import t2j.model.Transformer;

class PretrainerTest {
    @TempDir
    Path tmp;

    private final DigitWorld world = new DigitWorld(1);

    private Pretrainer.Config cfg(int steps) {
        return new Pretrainer.Config(steps, 16, 1e-2, 0.01, 3, 1.0, 9);
    }

    @Test
    void aStoppedRunResumesToTheSameWeights() throws Exception {
        Transformer straight = new Transformer(ModelWeights.random(DigitWorld.config(), 4));
        Pretrainer a = new Pretrainer(straight, world.sequences(), cfg(12));
        a.run(s -> {});

        Path ckpt = tmp.resolve("p.ckpt");
        Transformer first = new Transformer(ModelWeights.random(DigitWorld.config(), 4));
        // The same run (12 steps planned) stopped after 6: an interrupt between steps.
        Pretrainer stopped = new Pretrainer(first, world.sequences(), cfg(12)).checkpointTo(ckpt, 3);
        try {
            stopped.run(s -> {
                if (s.step() == 6) Thread.currentThread().interrupt();
            });
        } catch (java.util.concurrent.CancellationException expected) {
            // stopped as asked
        } finally {
            Thread.interrupted();
        }
        assertEquals(6, stopped.stepsDone());

        Transformer second = new Transformer(ModelWeights.random(DigitWorld.config(), 4));
        Pretrainer resumed = new Pretrainer(second, world.sequences(), cfg(12)).checkpointTo(ckpt, 3);
        assertEquals(6, resumed.stepsDone());
        resumed.run(s -> assertTrue(s.step() > 6));
        assertTrue(resumed.elapsedSeconds() > 0);
        for (String n : straight.weights().names())
            assertArrayEquals(
                    straight.weights().matrix(n).toArray(),
                    second.weights().matrix(n).toArray(),
                    n);
    }
}
