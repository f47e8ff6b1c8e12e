package io.github.alexlab.quant;

import io.github.alexlab.nn.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.UnaryOperator;

/**
 * A model seen through another forward function (a model computing in a lower precision), as a
 * block that can only go forward: enough for {@link io.github.alexlab.train.Evaluation}.
 */
final class ForwardOnlyLayer implements Layer {
    private final String name;
    private final UnaryOperator<INDArray> forward;
    private final Layer model;

    ForwardOnlyLayer(String name, UnaryOperator<INDArray> forward, Layer model) {
        this.name = name;
        this.forward = forward;
        this.model = model;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public INDArray forward(INDArray input) {
        return forward.apply(input);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        throw new UnsupportedOperationException(name + " only computes forward; train through MixedPrecisionTraining.step");
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return model.outputShape(inputShape);
    }

    @Override
    public void train(boolean training) {
        model.train(training);
    }
}
