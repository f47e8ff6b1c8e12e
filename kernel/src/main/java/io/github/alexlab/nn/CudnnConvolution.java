package io.github.alexlab.nn;

import io.github.alexlab.cuda.ConvolutionAlgorithms;
import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudnn;

import java.util.Arrays;

/**
 * {@link Conv2d}'s GPU engine: cuDNN's convolution forward, backward data (dL/dInput) and backward
 * filter (dL/dWeight). Groups and the stride are cuDNN settings; a connection table masks the weight
 * gradient afterwards. Which of cuDNN's algorithms runs is {@link ConvolutionAlgorithms}' choice.
 */
final class CudnnConvolution {
    private final Conv2d layer;
    private final String name;
    // The input (for backward), this layer's own output and input-gradient buffers, and the cuDNN
    // algorithms picked for the current input shape.
    private GpuArray gpuInput;
    private final GpuBuffer gpuOutput, gpuGradInput;
    private ConvolutionAlgorithms algorithms;
    private long[] algorithmsInputShape;

    CudnnConvolution(Conv2d layer) {
        this.layer = layer;
        this.name = layer.name();
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
    }

    GpuArray forward(GpuArray x) {
        GpuBlocks.requireUsable(name, x, layer.parameters());
        long[] outShape = layer.outputShape(x.shape());
        gpuInput = x;
        GpuArray y = gpuOutput.get(x.device(), x.dataType(), outShape);
        try (var d = new Cudnn.Descriptors()) {
            var shapes = new ConvShapes(d, x.shape(), outShape);
            var handle = GpuBlocks.cudnn(x);
            ConvolutionAlgorithms a = algorithmsFor(handle, shapes, x.shape());
            Cudnn.check(cudnn.cudnnConvolutionForward(handle, Cudnn.ONE, shapes.x, x.pointer(), shapes.w, layer.weight().valueOnGpu().pointer(),
                    shapes.conv, a.forward(), GpuBlocks.workspace(x.device(), a.forwardBytes()), a.forwardBytes(), Cudnn.ZERO, shapes.y, y.pointer()),
                    name + ": cudnnConvolutionForward(algorithm " + a.forward() + ")");
            Cudnn.check(cudnn.cudnnAddTensor(handle, Cudnn.ONE, shapes.bias, layer.bias().valueOnGpu().pointer(), Cudnn.ONE, shapes.y, y.pointer()),
                    name + ": bias (cudnnAddTensor)");
        }
        return y;
    }

    GpuArray backward(GpuArray gradOutput) {
        parameterGradients(gradOutput);
        GpuArray dx = gpuGradInput.like(gpuInput);
        try (var d = new Cudnn.Descriptors()) {
            var shapes = new ConvShapes(d, gpuInput.shape(), gradOutput.shape());
            ConvolutionAlgorithms a = algorithms;
            Cudnn.check(cudnn.cudnnConvolutionBackwardData(GpuBlocks.cudnn(gradOutput), Cudnn.ONE, shapes.w, layer.weight().valueOnGpu().pointer(),
                    shapes.y, gradOutput.pointer(), shapes.conv, a.data(), GpuBlocks.workspace(dx.device(), a.dataBytes()), a.dataBytes(),
                    Cudnn.ZERO, shapes.x, dx.pointer()), name + ": cudnnConvolutionBackwardData(algorithm " + a.data() + ")");
        }
        return dx;
    }

    /** dL/dWeight and dL/dBias, added to the gradients (beta = 1); no dL/dInput. */
    void parameterGradients(GpuArray gradOutput) {
        if (gpuInput == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, layer.outputShape(gpuInput.shape()), gradOutput);
        Parameter weight = layer.weight();
        try (var d = new Cudnn.Descriptors()) {
            var shapes = new ConvShapes(d, gpuInput.shape(), gradOutput.shape());
            var handle = GpuBlocks.cudnn(gradOutput);
            ConvolutionAlgorithms a = algorithms;
            Cudnn.check(cudnn.cudnnConvolutionBackwardFilter(handle, Cudnn.ONE, shapes.x, gpuInput.pointer(), shapes.y, gradOutput.pointer(),
                    shapes.conv, a.filter(), GpuBlocks.workspace(gradOutput.device(), a.filterBytes()), a.filterBytes(),
                    Cudnn.ONE, shapes.w, weight.gradientOnGpu().pointer()), name + ": cudnnConvolutionBackwardFilter(algorithm " + a.filter() + ")");
            weight.maskGradientOnGpu(); // a connection table: unconnected weights get no gradient
            Cudnn.check(cudnn.cudnnConvolutionBackwardBias(handle, Cudnn.ONE, shapes.y, gradOutput.pointer(), Cudnn.ONE, shapes.bias,
                    layer.bias().gradientOnGpu().pointer()), name + ": cudnnConvolutionBackwardBias");
        }
    }

    void free() {
        gpuOutput.free();
        gpuGradInput.free();
        gpuInput = null;
        algorithms = null;
        algorithmsInputShape = null;
        GpuBlocks.freeWorkspaces();
    }

    /** The descriptors of this layer at one input shape. */
    private final class ConvShapes {
        final cudnnTensorStruct x, y, bias;
        final cudnnFilterStruct w;
        final cudnnConvolutionStruct conv;

        ConvShapes(Cudnn.Descriptors d, long[] inputShape, long[] outputShape) {
            int in = layer.inChannels(), out = layer.outChannels(), k = layer.kernelSize(), groups = layer.groups();
            x = d.tensor(inputShape);
            y = d.tensor(outputShape);
            bias = d.tensor(1, out, 1, 1);
            w = d.filter(out, in / groups, k, k);
            conv = d.convolution(layer.padding(), layer.stride(), groups);
        }
    }

    /** cuDNN's choice of algorithms, asked once per input shape. */
    private ConvolutionAlgorithms algorithmsFor(cudnnContext handle, ConvShapes s, long[] inputShape) {
        if (algorithms == null || !Arrays.equals(algorithmsInputShape, inputShape)) {
            algorithms = ConvolutionAlgorithms.choose(handle, s.x, s.w, s.conv, s.y, name + " at input " + Arrays.toString(inputShape));
            algorithmsInputShape = inputShape.clone();
        }
        return algorithms;
    }
}
