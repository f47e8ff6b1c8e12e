package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;

import java.lang.management.ManagementFactory;
import java.util.List;
import com.sun.management.OperatingSystemMXBean;

/**
 * {@code %time code} / {@code %%time}: runs once and reports the wall time (and the CPU time of
 * the whole JVM, which shows when work ran on several cores). Includes compiling the cell.
 */
final class TimeMagic implements LineMagic, CellMagic {
    @Override
    public List<String> names() {
        return List.of("time");
    }

    @Override
    public String summary() {
        return "run once and print the wall and CPU time (compilation included)";
    }

    @Override
    public Outcome line(String args, MagicContext context) throws CellError {
        return timed(args, context.firstLine(), context);
    }

    @Override
    public Outcome cell(String args, String body, MagicContext context) throws CellError {
        return timed(body, context.firstLine() + 1, context);
    }

    private static Outcome timed(String code, int line, MagicContext context) throws CellError {
        long cpu0 = processCpuNanos(), wall0 = System.nanoTime();
        try {
            return context.eval(code, line);
        } finally {
            long wall = System.nanoTime() - wall0, cpu = processCpuNanos() - cpu0;
            System.out.println("Wall time: " + Durations.format(wall)
                    + (cpu >= 0 && cpu0 >= 0 ? ", CPU time (all threads): " + Durations.format(cpu) : ""));
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os)
            return os.getProcessCpuTime();
        return -1;
    }
}
