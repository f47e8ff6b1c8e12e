package io.github.alexlab.cuda;

import org.bytedeco.cuda.cudnn.cudnnActivationStruct;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnLRNStruct;
import org.bytedeco.cuda.cudnn.cudnnOpTensorStruct;
import org.bytedeco.cuda.cudnn.cudnnPoolingStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.FloatPointer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * cuDNN for the building blocks: one handle per GPU, status checks, and descriptors.
 * <p>
 * cuDNN does not take shapes as arguments; it takes descriptors ("a float tensor of N x C x H x W",
 * "a 3 x 3 convolution with stride 1 and padding 1"), small host objects made before a call. A
 * {@link Descriptors} collects the ones one call needs and destroys them afterwards:
 * <pre>
 *   try (var d = new Cudnn.Descriptors()) {
 *       cudnnActivationForward(handle, d.activation(RELU), ONE, d.tensor(n, c, h, w), x, ZERO, d.tensor(n, c, h, w), y);
 *   }
 * </pre>
 * All of our GPU blocks compute in FP32 with the legacy (v7-style) API, which cuDNN 9 still ships.
 */
public final class Cudnn {
    private static final Map<Integer, cudnnContext> HANDLES = new HashMap<>();

    /** alpha = 1 and beta = 0 or 1 of cuDNN's "y = alpha * op(x) + beta * y", as host floats. */
    public static final FloatPointer ONE = new FloatPointer(1f), ZERO = new FloatPointer(0f);

    private Cudnn() {
    }

    /** The cuDNN handle of GPU {@code device} (also makes it the current device); it runs on the default stream. */
    public static synchronized cudnnContext handle(int device) {
        CudaException.check(cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        return HANDLES.computeIfAbsent(device, d -> {
            cudnnContext handle = new cudnnContext();
            check(cudnn.cudnnCreate(handle), "cudnnCreate (GPU " + d + ")");
            return handle;
        });
    }

    /** Throws a {@link CudaException} naming the call unless cuDNN returned CUDNN_STATUS_SUCCESS. */
    public static void check(int status, String call) {
        if (status != cudnn.CUDNN_STATUS_SUCCESS)
            throw new CudaException(call, status, cudnn.cudnnGetErrorString(status).getString());
    }

    /** A host float for alpha or beta (the caller closes it). */
    public static FloatPointer scalar(double value) {
        return new FloatPointer((float) value);
    }

    /** The descriptors of one call; closing destroys them all. */
    public static final class Descriptors implements AutoCloseable {
        private final List<Runnable> destroyers = new ArrayList<>();

        /** A float tensor [n, c, h, w], packed row-major (NCHW) like our GpuArrays. A matrix [N, F] is [N, F, 1, 1]. */
        public cudnnTensorStruct tensor(long n, long c, long h, long w) {
            cudnnTensorStruct d = new cudnnTensorStruct();
            check(cudnn.cudnnCreateTensorDescriptor(d), "cudnnCreateTensorDescriptor");
            destroyers.add(() -> cudnn.cudnnDestroyTensorDescriptor(d));
            check(cudnn.cudnnSetTensor4dDescriptor(d, cudnn.CUDNN_TENSOR_NCHW, cudnn.CUDNN_DATA_FLOAT, toInt(n), toInt(c), toInt(h), toInt(w)),
                    "cudnnSetTensor4dDescriptor(" + n + ", " + c + ", " + h + ", " + w + ")");
            return d;
        }

        /** A tensor for an array shape of rank 1 to 4: [F] -> [1, F, 1, 1], [N, F] -> [N, F, 1, 1], [N, C, H, W] as it is. */
        public cudnnTensorStruct tensor(long[] shape) {
            return switch (shape.length) {
                case 1 -> tensor(1, shape[0], 1, 1);
                case 2 -> tensor(shape[0], shape[1], 1, 1);
                case 3 -> tensor(shape[0], shape[1], shape[2], 1);
                case 4 -> tensor(shape[0], shape[1], shape[2], shape[3]);
                default -> throw new IllegalArgumentException("cuDNN tensors here have rank 1 to 4, got " + Arrays.toString(shape));
            };
        }

        /** Float filters [out, in per group, k, k]. */
        public cudnnFilterStruct filter(long out, long inPerGroup, long kh, long kw) {
            cudnnFilterStruct d = new cudnnFilterStruct();
            check(cudnn.cudnnCreateFilterDescriptor(d), "cudnnCreateFilterDescriptor");
            destroyers.add(() -> cudnn.cudnnDestroyFilterDescriptor(d));
            check(cudnn.cudnnSetFilter4dDescriptor(d, cudnn.CUDNN_DATA_FLOAT, cudnn.CUDNN_TENSOR_NCHW, toInt(out), toInt(inPerGroup), toInt(kh), toInt(kw)),
                    "cudnnSetFilter4dDescriptor(" + out + ", " + inPerGroup + ", " + kh + ", " + kw + ")");
            return d;
        }

        /**
         * A convolution as deep learning means it (cross-correlation, the filter not flipped), in strict
         * FP32: cuDNN's default math would let Ampere and newer GPUs round inputs to TF32 on tensor cores,
         * which is faster but 1e-3 off, and the GPU blocks promise the CPU's results within 1e-4.
         */
        public cudnnConvolutionStruct convolution(int padding, int stride, int groups) {
            cudnnConvolutionStruct d = new cudnnConvolutionStruct();
            check(cudnn.cudnnCreateConvolutionDescriptor(d), "cudnnCreateConvolutionDescriptor");
            destroyers.add(() -> cudnn.cudnnDestroyConvolutionDescriptor(d));
            check(cudnn.cudnnSetConvolution2dDescriptor(d, padding, padding, stride, stride, 1, 1, cudnn.CUDNN_CROSS_CORRELATION, cudnn.CUDNN_DATA_FLOAT),
                    "cudnnSetConvolution2dDescriptor(padding " + padding + ", stride " + stride + ")");
            check(cudnn.cudnnSetConvolutionGroupCount(d, groups), "cudnnSetConvolutionGroupCount(" + groups + ")");
            check(cudnn.cudnnSetConvolutionMathType(d, cudnn.CUDNN_FMA_MATH), "cudnnSetConvolutionMathType(FMA: FP32 only)");
            return d;
        }

        /** k x k windows every {@code stride} pixels, no padding; {@code mode} CUDNN_POOLING_MAX or _AVERAGE_COUNT_INCLUDE_PADDING. */
        public cudnnPoolingStruct pooling(int mode, int kernelSize, int stride) {
            cudnnPoolingStruct d = new cudnnPoolingStruct();
            check(cudnn.cudnnCreatePoolingDescriptor(d), "cudnnCreatePoolingDescriptor");
            destroyers.add(() -> cudnn.cudnnDestroyPoolingDescriptor(d));
            check(cudnn.cudnnSetPooling2dDescriptor(d, mode, cudnn.CUDNN_PROPAGATE_NAN, kernelSize, kernelSize, 0, 0, stride, stride),
                    "cudnnSetPooling2dDescriptor(" + kernelSize + "x" + kernelSize + ", stride " + stride + ")");
            return d;
        }

        /** {@code mode} CUDNN_ACTIVATION_RELU, _TANH or _SIGMOID; NaN passes through, as on the CPU. */
        public cudnnActivationStruct activation(int mode) {
            cudnnActivationStruct d = new cudnnActivationStruct();
            check(cudnn.cudnnCreateActivationDescriptor(d), "cudnnCreateActivationDescriptor");
            destroyers.add(() -> cudnn.cudnnDestroyActivationDescriptor(d));
            check(cudnn.cudnnSetActivationDescriptor(d, mode, cudnn.CUDNN_PROPAGATE_NAN, 0), "cudnnSetActivationDescriptor(" + mode + ")");
            return d;
        }

        /** cuDNN's LRN: x / (k + alpha / n * sum of n squares)^beta; note the division by n. */
        public cudnnLRNStruct lrn(int n, double alpha, double beta, double k) {
            cudnnLRNStruct d = new cudnnLRNStruct();
            check(cudnn.cudnnCreateLRNDescriptor(d), "cudnnCreateLRNDescriptor");
            destroyers.add(() -> cudnn.cudnnDestroyLRNDescriptor(d));
            check(cudnn.cudnnSetLRNDescriptor(d, n, alpha, beta, k), "cudnnSetLRNDescriptor(n " + n + ", alpha " + alpha + ", beta " + beta + ", k " + k + ")");
            return d;
        }

        /** An element-wise operation on two tensors, e.g. CUDNN_OP_TENSOR_MUL (FP32). */
        public cudnnOpTensorStruct operation(int op) {
            cudnnOpTensorStruct d = new cudnnOpTensorStruct();
            check(cudnn.cudnnCreateOpTensorDescriptor(d), "cudnnCreateOpTensorDescriptor");
            destroyers.add(() -> cudnn.cudnnDestroyOpTensorDescriptor(d));
            check(cudnn.cudnnSetOpTensorDescriptor(d, op, cudnn.CUDNN_DATA_FLOAT, cudnn.CUDNN_PROPAGATE_NAN), "cudnnSetOpTensorDescriptor(" + op + ")");
            return d;
        }

        @Override
        public void close() {
            for (int i = destroyers.size() - 1; i >= 0; i--)
                destroyers.get(i).run();
            destroyers.clear();
        }
    }

    /** cuDNN takes int dimensions. */
    private static int toInt(long size) {
        if (size > Integer.MAX_VALUE)
            throw new IllegalArgumentException("cuDNN dimensions must fit in an int, got " + size);
        return (int) size;
    }
}
