package io.github.alexlab.kernel.run;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.kernel.Main;
import io.github.alexlab.tensor.Device;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks every GPU claim of the project in one command, for a GPU host that is lent for minutes:
 * {@code gpucheck --out DIR [--quick]}. In order, each step in a JVM of its own (a crash in a CUDA
 * library ends that step, not the check): the device facts and CUDA libraries; every GPU test of
 * the suite; the selftest; the GPU benchmarks; unless --quick, the GPU notebooks at the test budget.
 * Everything goes to DIR: gpucheck-report.txt (every line every step printed) and the executed
 * notebooks. The summary table comes last. Exit code 0 when no step failed.
 */
public final class GpuCheck {
    /** One line of the summary table. */
    record Row(String step, String status, double seconds, String note) {}

    /** The numbers of the notebooks with GPU rows, run by the full check at the test budget. */
    static final List<String> GPU_NOTEBOOKS = List.of("01", "02", "05", "06", "07", "08");
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern COUNTS = Pattern.compile("(\\d+) passed, (\\d+) failed, (\\d+) skipped");

    private final Path out;
    private final PrintStream report;
    private final List<Row> rows = new ArrayList<>();

    private GpuCheck(Path out, PrintStream report) {
        this.out = out;
        this.report = report;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--facts")) {
            facts();
            return;
        }
        Path out = null;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--quick" -> quick = true;
                default -> {
                    System.err.println("gpucheck: unknown argument " + args[i]);
                    out = null;
                    i = args.length;
                }
            }
        }
        if (out == null) {
            System.err.println("usage: gpucheck --out DIR [--quick]   (DIR gets the report and the executed notebooks)");
            System.exit(2);
        }
        Files.createDirectories(out);
        try (PrintStream report = new PrintStream(Files.newOutputStream(out.resolve("gpucheck-report.txt")), true, StandardCharsets.UTF_8)) {
            GpuCheck check = new GpuCheck(out, report);
            System.exit(check.run(quick) ? 0 : 1);
        }
    }

    private boolean run(boolean quick) {
        Cuda.Availability cuda = Cuda.availability();
        String noGpu = cuda.available() ? null : "no CUDA device: " + cuda.reason();
        say("AlexLab GPU check" + (quick ? " (--quick)" : "") + ", " + java.time.Instant.now());
        step("1 device facts, CUDA libraries", null, List.of(GpuCheck.class.getName(), "--facts"), List.of(), Map.of());
        step("2 GPU tests (JUnit)", null, List.of("io.github.alexlab.cuda.GpuTestLauncher"), testClasspath(), Map.of());
        step("3 selftest", null, List.of("io.github.alexlab.bench.SelfTest"), List.of(), Map.of());
        step("4 GEMM benchmark (cuBLAS, 5 precisions)", noGpu, List.of("io.github.alexlab.bench.GemmBenchmark"), List.of(), Map.of());
        step("4 AlexNet benchmark (CPU and GPU)", noGpu, List.of("io.github.alexlab.bench.AlexNetGpuBenchmark"), List.of(), Map.of());
        if (!quick) {
            List<String> command = new ArrayList<>(List.of(Main.class.getName(), "run", "--out", out.toString()));
            try (Stream<Path> all = Files.list(notebooks())) {
                all.filter(p -> GPU_NOTEBOOKS.stream().anyMatch(n -> p.getFileName().toString().startsWith(n + "-")))
                        .sorted().forEach(p -> command.add(p.toString()));
            } catch (IOException e) {
                say("no notebooks folder: " + e.getMessage());
            }
            step("5 notebooks 01 02 05-08 (test budget)", null, command, List.of(),
                    Map.of("ALEXLAB_EPOCHS", "1", "ALEXLAB_DATASET_LIMIT", "2000"));
        }
        say("");
        say("summary");
        say(String.format(Locale.ROOT, "  %-42s %-8s %8s  %s", "step", "status", "seconds", "note"));
        boolean ok = true;
        for (Row r : rows) {
            say(String.format(Locale.ROOT, "  %-42s %-8s %8.1f  %s", r.step(), r.status(), r.seconds(), r.note()));
            ok &= !r.status().equals("FAIL");
        }
        say("GPU: " + (noGpu == null ? cuda : noGpu));
        say("report: " + out.resolve("gpucheck-report.txt"));
        return ok;
    }

    /** Runs one step in a JVM of its own, every line to the terminal and the report; adds its row. */
    private void step(String name, String skipReason, List<String> mainAndArgs, List<String> extraClasspath,
                      Map<String, String> env) {
        say("");
        say("== " + name);
        if (skipReason != null) {
            say("   skipped: " + skipReason);
            rows.add(new Row(name, "skipped", 0, skipReason));
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        List<String> classpath = new ArrayList<>(List.of(System.getProperty("java.class.path")));
        classpath.addAll(extraClasspath);
        command.add(String.join(java.io.File.pathSeparator, classpath));
        command.addAll(mainAndArgs);
        long started = System.nanoTime();
        String last = "";
        int exit;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process p = builder.start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    say("   " + line);
                    if (!line.isBlank())
                        last = line.strip();
                    if (System.nanoTime() - started > STEP_TIMEOUT.toNanos()) {
                        p.destroyForcibly();
                        last = "stopped after " + STEP_TIMEOUT.toMinutes() + " min";
                    }
                }
            }
            exit = p.waitFor(1, TimeUnit.MINUTES) ? p.exitValue() : -1;
        } catch (IOException | InterruptedException e) {
            exit = -1;
            last = e.toString();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Matcher counts = COUNTS.matcher(last);
        String status = exit != 0 ? "FAIL"
                : counts.find() && counts.group(1).equals("0") && counts.group(2).equals("0") ? "skipped" : "ok";
        rows.add(new Row(name, status, seconds, exit == 0 || exit == 1 ? last : last + " (exit code " + exit + ")"));
    }

    /** The GPU tests and JUnit: beside the jars, as the build and the kit lay them out. */
    private static List<String> testClasspath() {
        Path lib = jarFolder();
        return List.of(lib.resolveSibling("test-classes").toString(), lib.resolveSibling("test-lib") + "/*");
    }

    private static Path notebooks() {
        Path lib = jarFolder();
        for (Path candidate = lib; candidate != null; candidate = candidate.getParent())
            if (Files.isDirectory(candidate.resolve("notebooks")))
                return candidate.resolve("notebooks");
        return Path.of("notebooks");
    }

    private static Path jarFolder() {
        try {
            Path jar = Path.of(GpuCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(jar) ? jar.getParent().resolve("lib") : jar.getParent();
        } catch (Exception e) {
            return Path.of("lib");
        }
    }

    private void say(String line) {
        System.out.println(line);
        report.println(line);
    }

    /** Step 1: what %device shows, and which CUDA 13 libraries the loader finds (their versions are in the names). */
    private static void facts() {
        for (Map.Entry<String, String> fact : Device.facts().entrySet())
            System.out.printf(Locale.ROOT, "%-28s %s%n", fact.getKey(), fact.getValue());
        TreeSet<String> found = new TreeSet<>();
        String path = System.getenv().getOrDefault("LD_LIBRARY_PATH", "");
        for (String dir : path.split(":")) {
            if (dir.isBlank() || !Files.isDirectory(Path.of(dir)))
                continue;
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                files.map(f -> f.getFileName().toString())
                        .filter(f -> f.matches("lib(cudart|cublas|cublasLt|cudnn|nvrtc)\\.so\\.\\d+(\\.\\d+)+"))
                        .forEach(f -> found.add(f + "  (" + dir + ")"));
            } catch (IOException ignored) {
                // an unreadable folder holds no library we could load either
            }
        }
        System.out.println("CUDA libraries on LD_LIBRARY_PATH: " + (found.isEmpty() ? "none" : ""));
        found.forEach(f -> System.out.println("  " + f));
    }
}
