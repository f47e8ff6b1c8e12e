package io.github.alexlab.kernel.magic;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import io.github.alexlab.kernel.eval.Nd4jOnFirstUse;
import io.github.alexlab.tensor.MemoryLedger;
import io.github.alexlab.viz.Numbers;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code %memory}: the memory of this kernel's process (resident, the Java heap, the rest: tensors,
 * native libraries, compiled code), then the device memory our GPU arrays hold, array by array (the
 * memory ledger).
 */
final class MemoryMagic implements LineMagic {
    @Override
    public List<String> names() {
        return List.of("memory");
    }

    @Override
    public String summary() {
        return "this kernel's memory (resident, Java heap, the rest), and device memory held by GPU arrays: "
                + "per device now and at the peak, and each live array";
    }

    @Override
    public Outcome line(String args, MagicContext context) throws CellError {
        if (!args.isBlank())
            throw context.usageError("memory", "takes no arguments, got '" + args.strip() + "'");
        System.out.print(kernelFootprint());
        MemoryLedger ledger = MemoryLedger.global();
        Cuda.Availability cuda = Cuda.availability();
        if (!cuda.available())
            System.out.println("No GPU (" + cuda.reason() + "): arrays live in host memory, managed by ND4J.");
        for (Cuda.DeviceInfo gpu : cuda.devices())
            System.out.printf("gpu:%d %s: %,d bytes held by GpuArrays now, peak %,d%n", gpu.index(), gpu.name(),
                    ledger.allocatedBytes(gpu.index()), ledger.peakBytes(gpu.index()));
        var entries = ledger.entries();
        if (entries.isEmpty()) {
            System.out.println("No GpuArray holds device memory.");
            return Outcome.NOTHING;
        }
        LongColumn bytes = LongColumn.create("bytes", entries.stream().mapToLong(MemoryLedger.Entry::bytes).toArray());
        bytes.setPrintFormatter(Numbers.groupedColumn());
        return new Outcome(true, Table.create("live GPU arrays").addColumns(
                LongColumn.create("#", entries.stream().mapToLong(MemoryLedger.Entry::id).toArray()),
                StringColumn.create("device", entries.stream().map(e -> "gpu:" + e.device()).toList()),
                StringColumn.create("array", entries.stream().map(MemoryLedger.Entry::what).toList()), bytes));
    }

    /** The kernel process's own memory, in a few lines; the resident figures on Linux only. */
    static String kernelFootprint() {
        Runtime java = Runtime.getRuntime();
        long used = java.totalMemory() - java.freeMemory(), held = java.totalMemory();
        Map<String, Long> status = processStatus();
        StringBuilder out = new StringBuilder();
        if (status.containsKey("VmRSS"))
            out.append(String.format("This kernel (process %d): %s resident, %s at the most so far%n",
                    ProcessHandle.current().pid(), mib(status.get("VmRSS")), mib(status.getOrDefault("VmHWM", 0L))));
        else
            out.append(String.format("This kernel (process %d):%n", ProcessHandle.current().pid()));
        out.append(String.format("  Java heap: %s in use, %s held, at most %s%n", mib(used), mib(held), mib(java.maxMemory())));
        if (status.containsKey("VmRSS"))
            out.append(String.format("  outside the Java heap: about %s (tensors, native libraries, compiled code)%n",
                    mib(Math.max(0, status.get("VmRSS") - held))));
        out.append(Nd4jOnFirstUse.started() ? "  ND4J: started\n"
                : "  ND4J: not started yet (it starts with the first cell that uses tensors)\n");
        return out.toString();
    }

    /** The byte counts of /proc/self/status (VmRSS, VmHWM, ...); empty where there is none. */
    private static Map<String, Long> processStatus() {
        Map<String, Long> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                String[] parts = line.split("\\s+");
                if (parts.length == 3 && parts[2].equals("kB"))
                    values.put(parts[0].replace(":", ""), Long.parseLong(parts[1]) * 1024);
            }
        } catch (IOException | NumberFormatException | UnsupportedOperationException notLinux) {
            values.clear();
        }
        return values;
    }

    private static String mib(long bytes) {
        return String.format("%,d MiB", bytes >> 20);
    }
}
