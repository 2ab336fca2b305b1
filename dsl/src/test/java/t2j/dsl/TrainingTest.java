package t2j.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import t2j.lora.LoraExpert;
import t2j.svf.Expert;

class TrainingTest {
    static Model llama;

    @BeforeAll
    static void load() {
        llama = Model.bundled("tiny-llama");
    }

    @AfterEach
    void terminal() {
        Live.install(null);
    }

    private static Training small() {
        return llama.train("math")
                .iterations(2)
                .batch(2)
                .validation(1, 4)
                .selection(0, 0)
                .seed(3);
    }

    @Test
    void settersReturnChangedCopies() {
        Training a = llama.train("math");
        Training b = a.iterations(3).learningRate(1e-3);
        assertEquals(Training.SHIPPED.iterations(), a.config().iterations());
        assertEquals(3, b.config().iterations());
        assertEquals(1e-3, b.config().learningRate());
        assertEquals("lora", a.lora(2).method());
        assertEquals("svf", a.method());
        assertThrows(IllegalArgumentException.class, () -> a.lora(0));
    }

    @Test
    void trainingGivesAnExpertAndLeavesTheBaseWeights(@TempDir Path tmp) throws Exception {
        String before = llama.transformer().weights().fingerprint();
        TrainedExpert t = small().run();
        assertEquals(before, llama.transformer().weights().fingerprint());
        assertEquals(2, t.result().steps().size());
        assertEquals(3, t.validations().size(), "step 0, 1 and 2 validated");
        assertEquals(before, t.expert().baseFingerprint());
        assertEquals(llama.decompose().svfParameters(), t.parameters());
        assertTrue(t.mimeBundle().containsKey("image/png"));
        Path f = tmp.resolve("math.safetensors");
        t.save(f);
        assertTrue(Files.size(f) > 0);
        // Evaluating through the run equals evaluating its expert through the two-pass system.
        Score direct = t.evaluate("math", 6);
        Score viaPool = Transformer2.of(llama, Experts.of(llama, java.util.Map.of("math", t.expert())))
                .by(t2j.adapt.Dispatcher.fixed("math", t2j.adapt.Decision.expert("math", "fixed")))
                .evaluate("math", 6);
        assertEquals(viaPool.correct(), direct.correct());
        assertEquals(before, llama.transformer().weights().fingerprint());
        Experts plus = llama.experts().plus(t);
        assertEquals(Expert.load(f).z().keySet(), plus.get("math").z().keySet());
    }

    @Test
    void aLoraRunIsSavedAsAPeftAdapterFolder(@TempDir Path tmp) throws Exception {
        TrainedExpert t = small().lora(2).iterations(1).run();
        Path dir = tmp.resolve("math-lora");
        t.save(dir);
        LoraExpert back = LoraExpert.load(dir);
        assertEquals(2, back.rank());
        assertEquals(4f, back.alpha(), "the DSL's LoRA alpha is twice the rank");
        assertEquals("math", back.info().get("task"));
        assertEquals(llama.transformer().weights().fingerprint(), back.info().get("base_fingerprint"));
        assertTrue(Files.readString(dir.resolve("adapter_config.json")).contains("\"peft_type\":\"LORA\""));
    }

    @Test
    void loraRunHasNoExpert() {
        TrainedExpert t = small().lora(2).iterations(1).run();
        assertEquals("lora", t.method());
        assertNotEquals(0, t.parameters());
        IllegalStateException e = assertThrows(IllegalStateException.class, t::expert);
        assertTrue(e.getMessage().contains("SVF"), e.getMessage());
        String before = llama.transformer().weights().fingerprint();
        Score s = t.evaluate("math", 4);
        assertEquals(4, s.total());
        assertEquals(before, llama.transformer().weights().fingerprint(), "LoRA removed again after evaluating");
    }

    @Test
    void notebookProgressIsOneOutputUpdatedInPlace() {
        List<String> events = new ArrayList<>();
        Live.install(new Live.Display() {
            @Override
            public String show(Renderable value) {
                events.add("show");
                return "id-" + events.size();
            }

            @Override
            public void update(String id, Renderable value) {
                Map<String, Object> b = value.mimeBundle();
                assertNotNull(b.get("text/html"));
                events.add("update " + id);
            }
        });
        small().iterations(1).run();
        assertTrue(events.size() >= 2, events.toString());
        assertEquals(1, events.stream().filter(e -> e.equals("show")).count(), "one output per panel: " + events);
        assertTrue(
                events.stream().filter(e -> e.startsWith("update")).allMatch(e -> e.equals("update id-1")),
                events.toString());
    }

    @Test
    void interruptingTrainingRestoresTheBaseWeights() throws Exception {
        String before = llama.transformer().weights().fingerprint();
        CountDownLatch started = new CountDownLatch(1);
        Live.install(new Live.Display() {
            @Override
            public String show(Renderable value) {
                started.countDown();
                return "p";
            }

            @Override
            public void update(String id, Renderable value) {
                started.countDown();
            }
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread cell = new Thread(() -> {
            try {
                small().iterations(50).run();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        cell.start();
        assertTrue(started.await(120, TimeUnit.SECONDS), "training started");
        Thread.sleep(300); // into the step loop, with adapted weights in the model
        cell.interrupt();
        cell.join(120_000);
        assertInstanceOf(CancellationException.class, thrown.get());
        assertEquals(before, llama.transformer().weights().fingerprint(), "base weights are back after the interrupt");
    }
}
