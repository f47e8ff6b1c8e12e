package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.Nd4jOnFirstUse;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import io.github.alexlab.nn.CpuEngine;
import io.github.alexlab.tensor.Device;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code %device}: the CPU and GPU facts of this machine, or why there is no GPU. */
final class DeviceMagic implements LineMagic {
    @Override
    public List<String> names() {
        return List.of("device");
    }

    @Override
    public String summary() {
        return "the CPU and GPU of this machine: names, cores, memory, compute capability, or why there is no GPU";
    }

    @Override
    public Outcome line(String args, MagicContext context) throws CellError {
        if (!args.isBlank())
            throw context.usageError("device", "takes no arguments, got '" + args.strip() + "'");
        Nd4jOnFirstUse.start(); // here, on the kernel's thread, not first in a cell's code
        Map<String, String> facts = Device.facts();
        List<String> names = new ArrayList<>(facts.keySet()), values = new ArrayList<>(facts.values());
        names.add("CPU engine");
        values.add(CpuEngine.describe());
        names.add("default device");
        values.add(Device.best().toString());
        return new Outcome(true, Table.create("this machine").addColumns(StringColumn.create("", names), StringColumn.create("value", values)));
    }
}
