package io.github.alexlab.kernel;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.alexlab.kernel.eval.ExitGuard;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the kernelspec folder ({@code kernel.json} and logos) that {@code jupyter kernelspec install}
 * copies into place. The java that runs this is the java the kernel will run on, and the JVM flags
 * live here only.
 */
public final class KernelSpec {
    static final String NAME = "alexlab";

    /** The kernel JVM's flags; why each is there is said beside it. */
    static final List<String> JVM_FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED", // JDK 22+ warns when JavaCPP loads native code
            "-Djava.awt.headless=true",            // charts and images without a display
            "--add-modules", "jdk.incubator.vector", // the SIMD rung of the matmul ladder
            // A cell that fills the heap must get the OutOfMemoryError, not the kernel: with G1 (the
            // default) a thread that needs a big array can keep retrying while the kernel's threads,
            // ZeroMQ's I/O thread among them, get the error and die (seen on JDK 25). The serial
            // collector, like the parallel one, empties the young generation at each collection, so
            // small allocations (the kernel's) still succeed. Unlike the parallel one it gives memory
            // back: it shrinks the heap after a full collection, where the parallel collector keeps
            // the heap it once grew to (the kernel then stays above a gigabyte). Tensors live outside
            // the heap; pauses matter little here.
            "-XX:+UseSerialGC",
            // Start small and keep at most 30 % of the heap free after a collection: javac and JShell
            // leave much garbage at start-up, and a laptop's memory belongs to the student's tensors.
            // The heap shrinks at once, not over four full collections: after a cell that needed
            // a big heap (a 50 MB string printed), the next idle collection gives it back.
            "-Xms64m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:-ShrinkHeapInSteps"
    );

    /**
     * The kernel's environment unless {@code --env} says otherwise. glibc gives each thread that
     * allocates natively (ND4J's, JavaCPP's, the JIT's) an arena of its own, up to 8 per core, and
     * rarely returns their memory: two arenas hold the same data in far less resident memory.
     */
    public static final Map<String, String> DEFAULT_ENV = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * JDK 24+ warns on stderr, in the first cell that uses ND4J, that JavaCPP calls sun.misc.Unsafe's
     * memory methods; this flag (JDK 23+) allows them quietly. Older JDKs refuse to start with it.
     */
    static final String UNSAFE_FLAG = "--sun-misc-unsafe-memory-access=allow";

    private KernelSpec() {}

    /** The flags for a kernel run by a java of this feature release (17, 21, 25...). */
    static List<String> jvmFlags(int javaFeature) {
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        if (javaFeature >= 23)
            flags.add(UNSAFE_FLAG);
        return flags;
    }

    /** {@code kernelspec DIR [--name NAME] [--display-name TEXT] [--env KEY=VALUE]...} */
    static void write(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        String name = NAME, displayName = "Java (AlexLab)";
        JsonObject env = new JsonObject();
        DEFAULT_ENV.forEach(env::addProperty);
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--name" -> name = args[++i];
                case "--display-name" -> displayName = args[++i];
                case "--env" -> {
                    String[] kv = args[++i].split("=", 2);
                    env.addProperty(kv[0], kv.length > 1 ? kv[1] : "");
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path target = dir.resolve(name);
        Files.createDirectories(target);

        JsonArray argv = new JsonArray();
        command("{connection_file}").forEach(argv::add);

        JsonObject spec = new JsonObject();
        spec.add("argv", argv);
        spec.addProperty("display_name", displayName);
        spec.addProperty("language", "java");
        spec.addProperty("interrupt_mode", "message");
        spec.add("env", env);
        JsonObject metadata = new JsonObject();
        metadata.addProperty("debugger", false);
        spec.add("metadata", metadata);
        Files.writeString(target.resolve("kernel.json"), new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec));
        for (String logo : List.of("logo-32x32.png", "logo-64x64.png"))
            try (InputStream in = KernelSpec.class.getResourceAsStream("/kernelspec/" + logo)) {
                if (in != null)
                    Files.copy(in, target.resolve(logo), StandardCopyOption.REPLACE_EXISTING);
            }
        System.out.println(target.toAbsolutePath());
    }

    /**
     * The command that runs a kernel on {@code connectionFile}: the java running this (so its
     * version is ours), the kernel's flags, its jars. Jupyter runs it through kernel.json; the
     * notebook runner runs it directly.
     */
    public static List<String> command(String connectionFile) {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.addAll(jvmFlags(Runtime.version().feature()));
        exitGuardAgent().ifPresent(argv::add);
        argv.add("-cp");
        argv.add(classpathOfThisJar());
        argv.add(Main.class.getName());
        argv.add(connectionFile);
        return argv;
    }

    /** {@code -javaagent:} with the kernel jar: {@link ExitGuard} keeps cells from ending the JVM (not when run from classes). */
    private static Optional<String> exitGuardAgent() {
        try {
            Path jar = Path.of(ExitGuard.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(jar) ? Optional.of("-javaagent:" + jar.toAbsolutePath()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The folder of jars the kernel runs from, as a {@code dir/*} class path. */
    private static String classpathOfThisJar() {
        try {
            Path jar = Path.of(KernelSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path folder = Files.isDirectory(jar) ? jar : jar.getParent();
            return folder.toAbsolutePath() + File.separator + "*";
        } catch (Exception e) {
            return System.getProperty("java.class.path");
        }
    }
}
