package io.github.alexlab.kernel.eval;

import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Starts ND4J when the first cell that may use it is about to run, not when the kernel starts. Its
 * native libraries and threads take a few seconds and some 70 MiB of resident memory: a kernel
 * that waits for its student, or runs plain Java, does without them.
 * <p>
 * "May use it": the cell's compiled classes name ND4J, JavaCPP, or AlexLab's library outside the
 * kernel (whose building blocks run on ND4J). JShell hands those classes to
 * {@link LiveResultExecutionControl} on the kernel's own thread before the cell runs, and ND4J starts
 * right there, never on a cell thread:
 * <ul>
 * <li>its threads (the deallocators that free tensors) stay out of the cells' thread group, whose
 * threads Kernel &gt; Interrupt stops;</li>
 * <li>no cell code runs beside its start. While ND4J starts, JavaCPP looks symbols up with a
 * dl_iterate_phdr callback that calls dlopen and dlclose; another thread loading a native library
 * just then (a cell's ManagementFactory loads libmanagement_ext, say) takes the dynamic loader's two
 * locks in the opposite order, and the JVM deadlocks for good.</li>
 * </ul>
 * Code that reaches ND4J another way (by reflection, from a jar added with %classpath) starts it on
 * its cell thread, which works as well.
 */
public final class Nd4jOnFirstUse {
    private static final Logger LOG = Logger.getLogger("alexlab.kernel");
    /** Packages whose use means ND4J (class names in a class file are written with slashes). */
    private static final String[] NEEDS_ND4J = {"org/nd4j/", "org/bytedeco/", "io/github/alexlab/"};
    /** ... except the kernel's own classes: display(), html(), check() need no tensors. */
    private static final String KERNEL = "io/github/alexlab/kernel/";
    private static volatile boolean started;

    private Nd4jOnFirstUse() {
    }

    /** True once ND4J has started (or failed to: then the cells that use it show their own error). */
    public static boolean started() {
        return started;
    }

    /** Starts ND4J now unless it has started; ND4J logs its banner at INFO, below the log's level. */
    public static synchronized void start() {
        if (started)
            return;
        try {
            Nd4j.zeros(1);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "ND4J could not start; cells that use it will fail", t);
        }
        started = true;
    }

    /** Starts ND4J if one of a cell's classes names a class that needs it. */
    static void startIfNamedIn(ClassBytecodes[] classes) {
        if (started)
            return;
        for (ClassBytecodes c : classes)
            if (namesNd4j(c.bytecodes())) {
                start();
                return;
            }
    }

    /**
     * Whether a class file refers to a class of ND4J, JavaCPP or AlexLab's library: their names stand
     * in its constant pool as text, "org/nd4j/linalg/factory/Nd4j" or "Lorg/nd4j/.../INDArray;".
     */
    static boolean namesNd4j(byte[] classFile) {
        String text = new String(classFile, StandardCharsets.ISO_8859_1);
        for (String prefix : NEEDS_ND4J)
            for (int at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1))
                if (!text.startsWith(KERNEL, at))
                    return true;
        return false;
    }
}
