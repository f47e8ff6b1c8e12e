package io.github.alexlab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PyTorch process that times work on request, for benchmarks that compare AlexLab with PyTorch
 * side by side in one run: the project's peer script (kernel/src/main/python, or python/ beside a
 * bundle's jars) run with --serve by the first Python that imports torch ($ALEXLAB_PYTHON, python3,
 * /usr/bin/python3). Each request is one line ("alexnet-step 32"); the answer is its time.
 */
public final class PyTorchPeer implements AutoCloseable {
    private final Process process;
    private final Writer requests;
    private final BufferedReader answers;
    private final String banner;

    private PyTorchPeer(Process process) throws IOException {
        this.process = process;
        this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = answers.readLine();
        if (first == null || !first.startsWith("ready "))
            throw new IOException("the PyTorch peer did not start: " + (first == null ? "it ended" : first));
        this.banner = first.substring("ready ".length());
    }

    /** Starts the peer script {@code name} with --serve and this many CPU threads (0: PyTorch's choice). */
    public static PyTorchPeer serve(String name, int threads) throws IOException {
        return serve(name, threads, pythons());
    }

    static PyTorchPeer serve(String name, int threads, List<String> pythons) throws IOException {
        String python = python(pythons);
        if (python == null)
            throw new IOException("no Python here imports torch (tried " + String.join(", ", pythons) + ")");
        Path script = script(name);
        if (!Files.isRegularFile(script))
            throw new IOException(name + " is not here");
        Process p = new ProcessBuilder(python, script.toString(), "--serve", "--threads", String.valueOf(threads))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new PyTorchPeer(p);
    }

    /** "torch 1.13.0 threads 2": what the peer said when it started. */
    public String banner() {
        return banner;
    }

    /** Runs one request and returns its time in milliseconds. */
    public double millis(String work) throws IOException {
        requests.write(work + "\n");
        requests.flush();
        String answer = answers.readLine();
        if (answer == null)
            throw new IOException("the PyTorch peer ended while running " + work);
        if (!answer.startsWith("ms "))
            throw new IOException("PyTorch peer, " + work + ": " + answer);
        return Double.parseDouble(answer.substring(3));
    }

    @Override
    public void close() {
        try {
            requests.close();
            if (!process.waitFor(10, TimeUnit.SECONDS))
                process.destroyForcibly();
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /** The project's Python script {@code name}: in the checkout, or beside the bundle's jars. */
    public static Path script(String name) {
        for (Path dir = jarFolder(); dir != null; dir = dir.getParent())
            for (Path candidate : List.of(dir.resolve("kernel/src/main/python").resolve(name), dir.resolve("python").resolve(name)))
                if (Files.isRegularFile(candidate))
                    return candidate;
        return Path.of(name);
    }

    /** The first of these Pythons that imports torch, or null. */
    static String python(List<String> pythons) {
        for (String candidate : pythons) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0)
                    return candidate;
                p.destroyForcibly();
            } catch (IOException e) {
                // not installed: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** $ALEXLAB_PYTHON alone when it is set (so that a user can choose, or rule PyTorch out), else python3 and Debian's. */
    static List<String> pythons() {
        String chosen = System.getenv("ALEXLAB_PYTHON");
        return chosen != null && !chosen.isBlank() ? List.of(chosen) : List.of("python3", "/usr/bin/python3");
    }

    private static Path jarFolder() {
        try {
            Path jar = Path.of(PyTorchPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(jar) ? jar.getParent().resolve("lib") : jar.getParent();
        } catch (Exception e) {
            return Path.of("lib");
        }
    }
}
