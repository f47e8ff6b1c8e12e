package io.github.alexlab.kernel;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.alexlab.kernel.eval.ExitGuard;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Writes the kernelspec folder ({@code kernel.json} and logos) that {@code jupyter kernelspec install}
 * copies into place. The java that runs this is the java the kernel will run on. The JVM flags and
 * the environment come from {@code jvm-flags.properties}, which the Maven build writes from the
 * parent pom (alexlab.jvmFlags, where each flag's reason is given); the launcher and Surefire use the same.
 */
public final class KernelSpec {
    static final String NAME = "alexlab";

    private static final Properties SETTINGS = settings();

    /** The kernel JVM's flags, for every JDK. */
    static final List<String> JVM_FLAGS = words(SETTINGS.getProperty("flags"));

    /** The kernel's environment unless {@code --env} says otherwise (MALLOC_ARENA_MAX: see the properties file). */
    public static final Map<String, String> DEFAULT_ENV = environment(SETTINGS);

    /** JDK 23+ only: allows JavaCPP's use of sun.misc.Unsafe quietly (JDK 24+ warns); older JDKs refuse to start with it. */
    static final String UNSAFE_FLAG = SETTINGS.getProperty("flags.jdk23").strip();

    private static Properties settings() {
        Properties settings = new Properties();
        try (InputStream in = KernelSpec.class.getResourceAsStream("jvm-flags.properties")) {
            if (in == null)
                throw new IllegalStateException("jvm-flags.properties is missing beside KernelSpec (written by mvn package)");
            settings.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    private static List<String> words(String line) {
        return List.of(line.strip().split("\\s+"));
    }

    private static Map<String, String> environment(Properties settings) {
        Map<String, String> env = new TreeMap<>();
        settings.stringPropertyNames().stream().filter(key -> key.startsWith("env."))
                .forEach(key -> env.put(key.substring("env.".length()), settings.getProperty(key)));
        return Map.copyOf(env);
    }

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
