package t2j.kernel;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real kernel, launched and spoken to by jupyter_client (kernel_driver.py) over ZeroMQ with a real
 * connection file and HMAC key, exactly as a notebook server does.
 */
final class KernelDriver implements AutoCloseable {
    private static final Gson GSON = new Gson();
    private static final long REPLY_TIMEOUT_S = 120;

    private final Process process;
    private final Writer requests;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final long kernelPid;

    KernelDriver() throws IOException {
        this(Map.of());
    }

    /** A kernel whose environment adds {@code env} (the kernel inherits the driver's). */
    KernelDriver(Map<String, String> env) throws IOException {
        Path dir = Files.createTempDirectory("t2j-driver");
        Path script = JupyterFixture.resource("kernel_driver.py", dir);
        ProcessBuilder builder = new ProcessBuilder(JupyterFixture.PYTHON, script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(JupyterFixture.env());
        builder.environment().putAll(env);
        process = builder.start();
        requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            replies.add(line);
                        }
                    } catch (IOException ignored) {
                        // the driver died; call() reports the timeout
                    }
                },
                "kernel-driver-reader");
        reader.setDaemon(true);
        reader.start();
        kernelPid = call(Map.of("op", "start", "kernel", JupyterFixture.KERNEL))
                .get("pid")
                .getAsLong();
    }

    long kernelPid() {
        return kernelPid;
    }

    Process driverProcess() {
        return process;
    }

    /** Runs a cell and returns execute_reply's content plus "outputs" (iopub messages) and "seconds". */
    JsonObject execute(String code) {
        return call(Map.of("op", "execute", "code", code));
    }

    JsonObject executeAndInterrupt(String code, double afterSeconds) {
        return call(Map.of("op", "execute", "code", code, "interrupt_after", afterSeconds));
    }

    JsonObject call(Map<String, Object> request) {
        try {
            requests.write(GSON.toJson(request) + "\n");
            requests.flush();
            String line = replies.poll(REPLY_TIMEOUT_S, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError(
                        "no answer from the kernel driver within " + REPLY_TIMEOUT_S + " s to " + request);
            }
            JsonObject answer = JsonParser.parseString(line).getAsJsonObject();
            if (answer.has("driver_error")) {
                throw new AssertionError("driver: " + answer.get("driver_error").getAsString() + "\n"
                        + answer.get("trace").getAsString());
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Outputs of an execute answer with the given message type. */
    static List<JsonObject> outputs(JsonObject answer, String type) {
        List<JsonObject> found = new ArrayList<>();
        JsonArray outputs = answer.getAsJsonArray("outputs");
        for (JsonElement output : outputs) {
            if (output.getAsJsonObject().get("type").getAsString().equals(type)) {
                found.add(output.getAsJsonObject());
            }
        }
        return found;
    }

    /** Concatenated text of the given stream ("stdout"/"stderr"). */
    static String stream(JsonObject answer, String name) {
        StringBuilder text = new StringBuilder();
        for (JsonObject output : outputs(answer, "stream")) {
            if (output.get("name").getAsString().equals(name)) {
                text.append(output.get("text").getAsString());
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                call(Map.of("op", "shutdown", "now", true));
            }
        } catch (AssertionError | RuntimeException ignored) {
            // the kernel is already gone
        } finally {
            process.destroy();
            ProcessHandle.of(kernelPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
