package io.github.alexlab.kernel.eval;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jshell.SourceCodeAnalysis;

/**
 * JShell indexes the simple name of every class of the JDK and of the class path, in the background
 * as soon as it starts, for one feature: suggesting an import for a name it cannot resolve (Shift-Tab
 * i in the jshell tool). The kernel never asks for that, and the index holds some 20 MiB of the Java
 * heap in every kernel. Once it is built, {@link #dropClassNames} empties its maps of class names and
 * keeps its lists of packages, which completion uses ({@code org.nd4j.linalg.<Tab>}).
 * <p>
 * The index is JShell's private state, reached by reflection: the kernel's JVM flags open the package
 * jdk.jshell for it. On a JDK where it looks different nothing is done, and only memory is lost.
 */
final class JShellClassIndex {
    private static final Logger LOG = Logger.getLogger("alexlab.kernel");

    private JShellClassIndex() {
    }

    /** Waits until JShell has indexed the class path, then empties the class-name maps of the index. */
    static void dropClassNames(SourceCodeAnalysis analysis) {
        try {
            Class<?> impl = Class.forName("jdk.jshell.SourceCodeAnalysisImpl");
            if (!impl.isInstance(analysis))
                return;
            Method waitForIndex = impl.getMethod("waitBackgroundTaskFinished");
            waitForIndex.setAccessible(true);
            waitForIndex.invoke(analysis);
            Field indexesByPath = impl.getDeclaredField("PATH_TO_INDEX"), current = impl.getDeclaredField("currentIndexes");
            indexesByPath.setAccessible(true);
            current.setAccessible(true);
            synchronized (current.get(analysis)) { // JShell reads the index holding this lock
                for (Object index : ((Map<?, ?>) indexesByPath.get(null)).values())
                    ((Map<?, ?>) index.getClass().getField("classSimpleName2FQN").get(index)).clear();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "JShell's class index was left as it is", e);
        }
    }
}
