package io.github.alexlab.bench;

import io.github.alexlab.tensor.Device;
import java.util.Locale;

/**
 * Benchmark (not a test): the whole matmul ladder at one size, with the CPU's measured ceilings first.
 * Prints each rung as it finishes, then the table and the two ratios the course promises: the best
 * hand-written Java rung against ND4J/OpenBLAS, and against the naive loops.
 * <p>
 * usage: MatmulLadderBenchmark [n]   (default 2048; the JVM needs --add-modules jdk.incubator.vector)
 */
public final class MatmulLadderBenchmark {
    public static void main(String[] args) {
        int n = args.length == 0 ? 2048 : Integer.parseInt(args[0]);
        Ceilings cpu = Ceilings.measure(Device.cpu());
        System.out.println(cpu);
        Ladder ladder = Ladder.climb(n, cpu, System.out::println);
        System.out.println(ladder);
        var best = ladder.bestHandWritten();
        var nd4j = ladder.rung(7).measurement();
        System.out.printf(Locale.ROOT, "best hand-written rung: %s, %.1f GFLOP/s = %.0f%% of ND4J/OpenBLAS (%.1f GFLOP/s), %.0fx the naive loops, %.0f%% of the measured CPU peak%n",
                best.name(), best.measurement().gflops(), 100 * best.measurement().gflops() / nd4j.gflops(), nd4j.gflops(),
                best.measurement().speedupOver(ladder.rung(1).measurement()), 100 * best.measurement().gflops() / cpu.peakGflops());
        System.exit(0);
    }
}
