package t2j.kernel;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes the Jupyter kernelspec: {@code PREFIX/share/jupyter/kernels/NAME/kernel.json} and the agent jar
 * next to it. Jupyter finds it when {@code PREFIX/share/jupyter} is on {@code JUPYTER_PATH}, which is how
 * kernel/scripts use it (a project-local prefix, never the system one).
 *
 * <p>kernel.json names the absolute path of the java running this installer: whatever {@code java} is on
 * the PATH when Jupyter starts later (a Java 8 from another project, say) does not matter. Run it with the
 * JDK the kernel should use; kernel/scripts check that it is 17 or newer first.
 *
 * <pre>java -cp CLASSPATH t2j.kernel.KernelSpecInstaller --prefix DIR --classpath CLASSPATH
 *     [--name t2j] [--display-name "Java (t2j)"] [--jvm-options "-Xmx2g ..."] [--env NAME=VALUE]...</pre>
 */
public final class KernelSpecInstaller {
    static final int MIN_JAVA = 17;
    static final String DEFAULT_NAME = "t2j";
    static final String DEFAULT_DISPLAY_NAME = "Java (t2j)";
    /**
     * Same policy as ./t2j: tensors live off-heap, so a small heap and a large direct-memory cap; and the incubating
     * Vector API, without which bf16 decode runs at about a third of float32's speed (plain Java) instead of above it.
     */
    static final String DEFAULT_JVM_OPTIONS = "-Xmx2g -XX:MaxDirectMemorySize=64g --add-modules jdk.incubator.vector";

    static final String AGENT_JAR = "t2j-agent.jar";

    private KernelSpecInstaller() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length || !args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option VALUE pairs, got " + List.of(args));
            }
            if (args[i].equals("--env")) {
                String[] kv = args[i + 1].split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            } else {
                options.put(args[i].substring(2), args[i + 1]);
            }
        }
        Path dir = install(
                Path.of(require(options, "prefix")),
                require(options, "classpath"),
                options.getOrDefault("name", DEFAULT_NAME),
                options.getOrDefault("display-name", DEFAULT_DISPLAY_NAME),
                options.getOrDefault("jvm-options", DEFAULT_JVM_OPTIONS),
                env);
        System.out.println(dir);
    }

    /** @return the kernelspec directory written */
    static Path install(
            Path prefix,
            String classpath,
            String name,
            String displayName,
            String jvmOptions,
            Map<String, String> extraEnv)
            throws IOException {
        if (Runtime.version().feature() < MIN_JAVA) {
            throw new IllegalStateException(
                    "the t2j kernel needs Java " + MIN_JAVA + "+, this is " + Runtime.version());
        }
        Path dir = prefix.resolve("share/jupyter/kernels")
                .resolve(name)
                .toAbsolutePath()
                .normalize();
        Files.createDirectories(dir);
        Path agent = dir.resolve(AGENT_JAR);
        writeAgentJar(agent);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();

        List<String> argv = new ArrayList<>(List.of(
                java.toString(),
                "-javaagent:" + agent,
                "-Djava.awt.headless=true",
                "-cp",
                classpath,
                KernelMain.class.getName(),
                "{connection_file}"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put(KernelConfig.CLASSPATH, "");
        env.put(KernelConfig.TIMEOUT, "0");
        env.put(KernelConfig.INTERRUPT_GRACE, "1");
        env.put("JDK_JAVA_OPTIONS", jvmOptions);
        env.putAll(extraEnv);

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", displayName);
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("env", env);
        spec.put("metadata", Map.of("t2j_java_version", Runtime.version().toString()));
        Files.writeString(
                dir.resolve("kernel.json"),
                new GsonBuilder()
                                .setPrettyPrinting()
                                .disableHtmlEscaping()
                                .create()
                                .toJson(spec) + "\n");
        return dir;
    }

    /** A manifest-only jar: the agent class itself is loaded from the kernel's class path. */
    private static void writeAgentJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.putValue("Premain-Class", RedefineAgent.class.getName());
        attributes.putValue("Can-Redefine-Classes", "true");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // the manifest is the whole content
        }
    }

    private static String require(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return value;
    }
}
