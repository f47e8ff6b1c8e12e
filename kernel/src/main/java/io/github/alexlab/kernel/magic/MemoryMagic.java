package io.github.alexlab.kernel.magic;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import io.github.alexlab.tensor.MemoryLedger;
import io.github.alexlab.viz.Numbers;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/** {@code %memory}: the device memory our GPU arrays hold, array by array (the memory ledger). */
final class MemoryMagic implements LineMagic {
    @Override
    public List<String> names() {
        return List.of("memory");
    }

    @Override
    public String summary() {
        return "device memory held by GPU arrays: per device now and at the peak, and each live array";
    }

    @Override
    public Outcome line(String args, MagicContext context) throws CellError {
        if (!args.isBlank())
            throw context.usageError("memory", "takes no arguments, got '" + args.strip() + "'");
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
}
