package io.github.alexlab.kernel;

import io.github.alexlab.kernel.run.GpuCheck;
import io.github.alexlab.kernel.run.NotebookRunner;
import io.github.alexlab.kernel.wire.KernelSockets;
import io.github.alexlab.nn.CpuEngine;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * {@code Main CONNECTION_FILE} runs the kernel (what Jupyter starts);
 * {@code Main kernelspec DIR [options]} writes the kernelspec folder;
 * {@code Main run NOTEBOOK...} executes notebooks without Jupyter ({@link io.github.alexlab.kernel.run.NotebookRunner}).
 */
public final class Main {
    private Main() {}

    /**
     * Kernel logs go to the process's stderr (Jupyter's log), bound now: the kernel later points
     * System.err at the notebook, and log lines must not appear in a student's cell.
     */
    private static void logToTheRealStderr() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers())
            root.removeHandler(h);
        StreamHandler handler = new StreamHandler(new FileOutputStream(FileDescriptor.err), new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.WARNING);
        // JavaCPP (under ND4J) prints its warnings straight to System.err, which by then is a
        // cell's output; through SLF4J they reach this log instead.
        if (System.getProperty("org.bytedeco.javacpp.logger") == null)
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("kernelspec")) {
            KernelSpec.write(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length >= 1 && args[0].equals("gpucheck")) {
            GpuCheck.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length >= 1 && args[0].equals("run")) {
            NotebookRunner.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: Main CONNECTION_FILE   (run the kernel; Jupyter starts it this way)\n"
                    + "       Main kernelspec DIR [--name N] [--display-name D] [--env K=V]...\n"
                    + "       Main run NOTEBOOK... [--out DIR] [--timeout S]   (execute notebooks without Jupyter)\n"
                    + "       Main gpucheck --out DIR [--quick]   (check every GPU claim on this machine)");
            System.exit(2);
        }
        logToTheRealStderr();
        KernelConnectionProperties connection = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        // The ports first: Jupyter chose them free, and on a busy server another process may take one meanwhile.
        KernelSockets sockets = new KernelSockets(connection);
        CpuEngine.choose(); // before anything loads ND4J
        JavaKernel kernel = new JavaKernel(sockets);
        sockets.start(kernel::handle);
        kernel.start();
        Thread.currentThread().join(); // the kernel lives until a shutdown_request (or Jupyter kills it)
    }
}
