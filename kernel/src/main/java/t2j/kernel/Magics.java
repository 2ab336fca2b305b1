package t2j.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dflib.jjava.jupyter.kernel.util.PathsHandler;

/**
 * The IJava/JJava line magics a Java notebook relies on, with their syntax:
 * <ul>
 *   <li>{@code %classpath PATH...} adds jars, directories or globs ({@code lib/*.jar}) to the cells' class path
 *       and returns the list added; {@code %jars} is its older name;</li>
 *   <li>{@code %load FILE} runs a .jsh/.java file of snippets as if it were typed into the cell;</li>
 *   <li>{@code %maven GROUP:ARTIFACT:VERSION...} adds artifacts and their run-time dependencies, resolved from
 *       Maven Central into the local repository ({@link MavenResolver});</li>
 *   <li>{@code %time CODE} and {@code %%time} time a line or the cell ({@link CellTiming}, not registered here).</li>
 * </ul>
 * Jars added here live in JShell's child class loader: use them for extras and keep native-heavy libraries
 * (the engine's OpenBLAS) on the kernel's launch class path, where they load once.
 */
final class Magics {
    private Magics() {}

    static void register(T2jKernel.Builder builder, MavenResolver maven) {
        builder.lineMagic("maven", (kernel, args) -> addFromMaven((T2jKernel) kernel, maven, args));
        builder.lineMagic("classpath", (kernel, args) -> addToClasspath((T2jKernel) kernel, args));
        builder.lineMagic("jars", (kernel, args) -> addToClasspath((T2jKernel) kernel, args));
        builder.lineMagic("load", (kernel, args) -> load((T2jKernel) kernel, args));
    }

    static List<String> addToClasspath(T2jKernel kernel, List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("usage: %classpath PATH_OR_GLOB...");
        }
        List<String> added = new ArrayList<>();
        for (String arg : args) {
            List<Path> paths = PathsHandler.splitAndResolveGlobs(arg);
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("%classpath: nothing matches " + arg);
            }
            for (Path path : paths) {
                String entry = path.toAbsolutePath().normalize().toString();
                kernel.addToClasspath(entry);
                added.add(entry);
            }
        }
        return added;
    }

    static Object addFromMaven(T2jKernel kernel, MavenResolver maven, List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("usage: %maven GROUP:ARTIFACT:VERSION...");
        }
        List<Path> jars = maven.resolve(args);
        List<String> names = new ArrayList<>();
        for (Path jar : jars) {
            kernel.addToClasspath(jar.toAbsolutePath().toString());
            names.add(jar.getFileName().toString());
        }
        System.out.println("%maven: added " + String.join(", ", names) + " (from " + maven.localRepository() + ")");
        return null;
    }

    static Object load(T2jKernel kernel, List<String> args) throws IOException {
        if (args.size() != 1) {
            throw new IllegalArgumentException("usage: %load FILE");
        }
        Path file = Path.of(args.get(0));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("%load: no such file " + file.toAbsolutePath());
        }
        kernel.evalRaw(Files.readString(file));
        return null;
    }
}
