package io.github.alexlab.nn;

import io.github.alexlab.viz.Numbers;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.Arrays;
import java.util.List;

/**
 * The per-layer table of a network for one input shape: what each layer turns the data into, how
 * many parameters it holds, how much arithmetic it does and how much memory its output and its
 * weights take. Only the shape rules run: nothing is computed, so a 60-million-parameter model is
 * summarised instantly.
 * <p>
 * Multiply-adds count the weighted layers only (convolutions and fully connected layers: one per
 * weight per output position, biases not counted), which is how AlexNet's "~724 M" is counted.
 */
public final class LayerTable {
    private LayerTable() {
    }

    public static Table of(Sequential model, long... inputShape) {
        StringColumn layer = StringColumn.create("layer"), kind = StringColumn.create("kind"),
                input = StringColumn.create("input"), output = StringColumn.create("output");
        LongColumn parameters = LongColumn.create("parameters"), multiplyAdds = LongColumn.create("multiply-adds"),
                activationBytes = LongColumn.create("activation bytes"), weightBytes = LongColumn.create("weight bytes");
        long[] shape = inputShape.clone();
        long totalParameters = 0, totalMacs = 0, totalActivation = 0, totalWeights = 0;
        for (Layer l : model.layers()) {
            long[] out = l.outputShape(shape);
            long p = l.parameterCount(), macs = l.multiplyAdds(shape);
            long act = product(out) * Float.BYTES, w = p * Float.BYTES;
            layer.append(l.name());
            kind.append(l.getClass().getSimpleName());
            input.append(Arrays.toString(shape));
            output.append(Arrays.toString(out));
            parameters.append(p);
            multiplyAdds.append(macs);
            activationBytes.append(act);
            weightBytes.append(w);
            totalParameters += p;
            totalMacs += macs;
            totalActivation += act;
            totalWeights += w;
            shape = out;
        }
        layer.append("total");
        kind.append("");
        input.append(Arrays.toString(inputShape));
        output.append(Arrays.toString(shape));
        parameters.append(totalParameters);
        multiplyAdds.append(totalMacs);
        activationBytes.append(totalActivation);
        weightBytes.append(totalWeights);
        // Counts this large need thousands separators to be read (the stepper's tables have them too).
        for (LongColumn count : List.of(parameters, multiplyAdds, activationBytes, weightBytes))
            count.setPrintFormatter(Numbers.groupedColumn());
        return Table.create(model.name() + " for input " + Arrays.toString(inputShape),
                layer, kind, input, output, parameters, multiplyAdds, activationBytes, weightBytes);
    }

    static long product(long[] shape) {
        long n = 1;
        for (long d : shape)
            n *= d;
        return n;
    }
}
