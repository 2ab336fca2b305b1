package t2j.dsl;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's {@code models/} folder from a notebook, a test or a plain Java program. */
final class Bundled {
    private Bundled() {}

    /**
     * {@code $T2J_HOME/models/NAME} when T2J_HOME is set (the kernel sets it), else the nearest {@code models/NAME} in
     * the working directory or one of its parents (notebooks run in {@code notebooks/}, tests in a module folder).
     */
    static Path modelDir(String name) {
        String home = System.getenv("T2J_HOME");
        if (home == null) home = System.getProperty("t2j.home");
        if (home != null) {
            Path p = Path.of(home, "models", name);
            if (Files.isRegularFile(p.resolve("config.json"))) return p;
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("models").resolve(name);
            if (Files.isRegularFile(p.resolve("config.json"))) return p;
        }
        throw new IllegalArgumentException(
                "no bundled model '" + name + "': looked for models/" + name + "/config.json"
                        + (home != null ? " under T2J_HOME=" + home + " and" : "") + " in "
                        + Path.of("").toAbsolutePath()
                        + " and its parents; the bundled models are tiny-llama, tiny-mistral and tiny-mistral-from-llama, or use Model.load(folder)");
    }
}
