package io.github.alexlab.kernel.run;

import io.github.alexlab.bench.PyTorchPeer;
import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.cuda.Nvrtc;
import io.github.alexlab.kernel.Main;
import io.github.alexlab.tensor.Device;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks every GPU claim of the project in one command, for a GPU host that is lent for minutes:
 * {@code gpucheck --out DIR [--quick]}. In order, each step in a JVM of its own (a crash in a CUDA
 * library ends that step, not the check): the device facts and CUDA libraries; every GPU test of
 * the suite; the selftest; the GPU benchmarks and their PyTorch peer (kernel/src/main/python/torch_peer.py,
 * when python3 has PyTorch) with AlexLab / PyTorch ratios; unless --quick, the GPU notebooks at the test budget.
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
        say("AlexLab GPU check" + (quick ? " (--quick)" : "") + ", " + Instant.now());
        step("1 device facts, CUDA libraries", null, List.of(GpuCheck.class.getName(), "--facts"), List.of(), Map.of());
        step("2 GPU tests (JUnit)", null, List.of("io.github.alexlab.cuda.GpuTestLauncher"), testClasspath(), Map.of());
        step("3 selftest", null, List.of("io.github.alexlab.bench.SelfTest"), List.of(), Map.of());
        List<String> gemm = step("4 GEMM benchmark (cuBLAS, 5 precisions)", noGpu,
                List.of("io.github.alexlab.bench.GemmBenchmark"), List.of(), Map.of());
        List<String> alexnet = step("4 AlexNet benchmark (CPU and GPU)", noGpu,
                List.of("io.github.alexlab.bench.AlexNetGpuBenchmark"), List.of(), Map.of());
        // The same work in PyTorch on the same GPU, timed the same way: ratios measured side by side.
        String noPeer = noGpu != null ? noGpu : torchPeerMissing();
        List<String> torchGemm = run("4 PyTorch peer: GEMM", noPeer, List.of("python3", torchPeer().toString(), "gemm"), Map.of());
        List<String> torchAlexnet = run("4 PyTorch peer: AlexNet", noPeer,
                List.of("python3", torchPeer().toString(), "alexnet", "128", "20"), Map.of());
        if (noPeer == null)
            ratios(gemm, alexnet, torchGemm, torchAlexnet);
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

    /** Runs one step in a JVM of its own (see {@link #run(String, String, List, Map)}). */
    private List<String> step(String name, String skipReason, List<String> mainAndArgs, List<String> extraClasspath,
                              Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        List<String> classpath = new ArrayList<>(List.of(System.getProperty("java.class.path")));
        classpath.addAll(extraClasspath);
        command.add(String.join(File.pathSeparator, classpath));
        command.addAll(mainAndArgs);
        return run(name, skipReason, command, env);
    }

    /** Runs one step's command, every line to the terminal and the report; adds its row and returns its lines. */
    private List<String> run(String name, String skipReason, List<String> command, Map<String, String> env) {
        say("");
        say("== " + name);
        List<String> printed = new ArrayList<>();
        if (skipReason != null) {
            say("   skipped: " + skipReason);
            rows.add(new Row(name, "skipped", 0, skipReason));
            return printed;
        }
        long started = System.nanoTime();
        String last = "";
        int exit;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process p = builder.start();
            // A step that hangs, silent or not, is ended: the rest of the check still runs.
            var timedOut = new AtomicBoolean();
            Thread watchdog = new Thread(() -> {
                try {
                    if (!p.waitFor(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        timedOut.set(true);
                        p.destroyForcibly();
                    }
                } catch (InterruptedException ignored) {
                    // the check itself is ending
                }
            }, "gpucheck-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    say("   " + line);
                    printed.add(line);
                    if (!line.isBlank())
                        last = line.strip();
                }
            }
            exit = p.waitFor(1, TimeUnit.MINUTES) ? p.exitValue() : -1;
            if (timedOut.get()) {
                last = "stopped after " + STEP_TIMEOUT.toMinutes() + " min without finishing";
                exit = -1;
            }
        } catch (IOException | InterruptedException e) {
            exit = -1;
            last = e.toString();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Matcher counts = COUNTS.matcher(last);
        String status = exit != 0 ? "FAIL"
                : counts.find() && counts.group(1).equals("0") && counts.group(2).equals("0") ? "skipped" : "ok";
        rows.add(new Row(name, status, seconds, exit == 0 || exit == 1 ? last : last + " (exit code " + exit + ")"));
        return printed;
    }

    private static final Pattern OUR_GEMM = Pattern.compile("^(FP32|TF32|FP16|BF16|INT8)\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)");
    private static final Pattern THEIR_GEMM = Pattern.compile("^gemm (FP32|TF32|FP16|BF16|INT8) (\\d+) ([\\d.]+) ms ([\\d.]+) TFLOP/s");
    private static final Pattern OUR_ALEXNET = Pattern.compile("^GPU\\s+([\\d.]+) ms per step .*work only");
    private static final Pattern THEIR_ALEXNET = Pattern.compile("^alexnet FP32 ([\\d.]+) ms per step");

    /** AlexLab / PyTorch, per GEMM precision and size (TFLOP/s) and for the AlexNet step (time): above 1, AlexLab is faster. */
    private void ratios(List<String> gemm, List<String> alexnet, List<String> torchGemm, List<String> torchAlexnet) {
        say("");
        say("== AlexLab / PyTorch on this GPU (above 1: AlexLab is faster)");
        ratioLines(gemm, alexnet, torchGemm, torchAlexnet).forEach(line -> say("   " + line));
    }

    /** The ratio table's lines, from what the benchmarks and the peer printed. */
    static List<String> ratioLines(List<String> gemm, List<String> alexnet, List<String> torchGemm, List<String> torchAlexnet) {
        List<String> lines = new ArrayList<>();
        Map<String, Double> theirs = new LinkedHashMap<>();
        for (String line : torchGemm) {
            Matcher m = THEIR_GEMM.matcher(line.strip());
            if (m.find())
                theirs.put(m.group(1) + " " + m.group(2), Double.parseDouble(m.group(4)));
        }
        for (String line : gemm) {
            Matcher m = OUR_GEMM.matcher(line.strip());
            if (!m.find())
                continue;
            Double peer = theirs.get(m.group(1) + " " + m.group(2));
            lines.add(String.format(Locale.ROOT, "GEMM %-5s n=%-6s AlexLab %8.1f TFLOP/s  PyTorch %8s  ratio %s", m.group(1), m.group(2),
                    Double.parseDouble(m.group(4)), peer == null ? "-" : String.format(Locale.ROOT, "%.1f", peer),
                    peer == null || peer == 0 ? "-" : String.format(Locale.ROOT, "%.2f", Double.parseDouble(m.group(4)) / peer)));
        }
        Double ours = first(alexnet, OUR_ALEXNET), peer = first(torchAlexnet, THEIR_ALEXNET);
        lines.add(String.format(Locale.ROOT, "AlexNet one tower, batch 128, FP32, training step: AlexLab %s ms, PyTorch %s ms, ratio %s",
                ours == null ? "-" : String.format(Locale.ROOT, "%.2f", ours), peer == null ? "-" : String.format(Locale.ROOT, "%.2f", peer),
                ours == null || peer == null ? "-" : String.format(Locale.ROOT, "%.2f", peer / ours)));
        return lines;
    }

    private static Double first(List<String> lines, Pattern pattern) {
        for (String line : lines) {
            Matcher m = pattern.matcher(line.strip());
            if (m.find())
                return Double.parseDouble(m.group(1));
        }
        return null;
    }

    private static Path torchPeer() {
        return PyTorchPeer.script("torch_peer.py");
    }

    /** Why the PyTorch peer cannot run here, or null when python3 imports torch and sees a CUDA device. */
    private static String torchPeerMissing() {
        if (!Files.isRegularFile(torchPeer()))
            return "torch_peer.py is not here";
        try {
            Process p = new ProcessBuilder("python3", "-c", "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 3)")
                    .redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(2, TimeUnit.MINUTES))
                return "python3 -c 'import torch' did not finish";
            return switch (p.exitValue()) {
                case 0 -> null;
                case 3 -> "PyTorch sees no CUDA device";
                default -> "no PyTorch for python3 here: " + (said.isEmpty() ? "exit code " + p.exitValue()
                        : said.lines().reduce((a, b) -> b).orElse(said));
            };
        } catch (IOException e) {
            return "no python3 here";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
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

    /**
     * Step 1: what %device shows, the CUDA library files on the loader's path (NVIDIA's wheels name
     * them by major version only, libcublas.so.13), and the version each library reports itself.
     */
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
                        .filter(f -> f.matches("lib(cudart|cublas|cublasLt|cudnn|nvrtc)\\.so\\.\\d+(\\.\\d+)*"))
                        .forEach(f -> found.add(f + "  (" + dir + ")"));
            } catch (IOException ignored) {
                // an unreadable folder holds no library we could load either
            }
        }
        System.out.println("CUDA libraries on LD_LIBRARY_PATH: " + (found.isEmpty() ? "none" : ""));
        found.forEach(f -> System.out.println("  " + f));
        // Each asks its library; none of these needs a GPU, only the library.
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("CUDA runtime", reported(() -> {
            int[] v = new int[1];
            org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion(v);
            return Cuda.version(v[0]);
        }));
        versions.put("cuBLAS", reported(() -> {
            int[] major = new int[1], minor = new int[1], patch = new int[1];
            org.bytedeco.cuda.global.cublas.cublasGetProperty(org.bytedeco.cuda.global.cudart.MAJOR_VERSION, major);
            org.bytedeco.cuda.global.cublas.cublasGetProperty(org.bytedeco.cuda.global.cudart.MINOR_VERSION, minor);
            org.bytedeco.cuda.global.cublas.cublasGetProperty(org.bytedeco.cuda.global.cudart.PATCH_LEVEL, patch);
            return major[0] + "." + minor[0] + "." + patch[0];
        }));
        versions.put("cuDNN", reported(() -> {
            long v = org.bytedeco.cuda.global.cudnn.cudnnGetVersion(); // cuDNN 9: major * 10000 + minor * 100 + patch
            return v / 10000 + "." + v / 100 % 100 + "." + v % 100;
        }));
        versions.put("NVRTC", reported(Nvrtc::version));
        System.out.println("versions the libraries report:");
        versions.forEach((library, version) -> System.out.printf(Locale.ROOT, "  %-13s %s%n", library, version));
        // The last line is the summary table's note.
        String loadable = versions.entrySet().stream().filter(e -> !e.getValue().startsWith(NOT_LOADABLE))
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        System.out.println("CUDA libraries: " + (loadable.isEmpty() ? "none loadable here" : loadable));
    }

    private static final String NOT_LOADABLE = "not loadable: ";

    /** The version a library reports, or why it could not be asked (its first line). */
    private static String reported(Supplier<String> version) {
        try {
            return version.get();
        } catch (LinkageError | RuntimeException e) {
            Throwable first = e; // a class that failed to load once says only that; the cause says why
            while (first.getCause() != null)
                first = first.getCause();
            String why = String.valueOf(first.getMessage()).lines().findFirst().orElse("");
            return NOT_LOADABLE + first.getClass().getSimpleName() + (why.isEmpty() ? "" : ": " + why);
        }
    }
}
