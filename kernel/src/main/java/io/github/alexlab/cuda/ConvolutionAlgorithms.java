package io.github.alexlab.cuda;

import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdDataAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdFilterAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.IntPointer;

/**
 * The cuDNN algorithm (and the workspace bytes it needs) for each of a convolution's three
 * computations: the forward pass, dL/dInput ("backward data") and dL/dWeight ("backward filter").
 * <p>
 * cuDNN has several algorithms for each (implicit GEMM, FFT, Winograd, ...); its heuristics rank them
 * for the shapes and this GPU, and {@link #choose} takes the best one that needs at most
 * {@link #WORKSPACE_LIMIT} of workspace. The answer depends on the shapes only, so a layer asks once
 * per input shape.
 */
public record ConvolutionAlgorithms(int forward, long forwardBytes, int data, long dataBytes, int filter, long filterBytes) {
    /** The most workspace one algorithm may use: 1 GiB. */
    public static final long WORKSPACE_LIMIT = 1L << 30;

    /** How many ranked algorithms to ask cuDNN for; it has fewer than this of each kind. */
    private static final int CANDIDATES = 16;

    /**
     * The best algorithms for input x, filters w, convolution conv and output y (descriptors of one
     * layer at one input shape); {@code layer} names the layer and its input in error messages.
     */
    public static ConvolutionAlgorithms choose(cudnnContext handle, cudnnTensorStruct x, cudnnFilterStruct w,
                                               cudnnConvolutionStruct conv, cudnnTensorStruct y, String layer) {
        int forward = -1, data = -1, filter = -1;
        long forwardBytes = 0, dataBytes = 0, filterBytes = 0;
        try (IntPointer returned = new IntPointer(1);
             cudnnConvolutionFwdAlgoPerf_t fw = new cudnnConvolutionFwdAlgoPerf_t(CANDIDATES);
             cudnnConvolutionBwdDataAlgoPerf_t bd = new cudnnConvolutionBwdDataAlgoPerf_t(CANDIDATES);
             cudnnConvolutionBwdFilterAlgoPerf_t bf = new cudnnConvolutionBwdFilterAlgoPerf_t(CANDIDATES)) {
            Cudnn.check(cudnn.cudnnGetConvolutionForwardAlgorithm_v7(handle, x, w, conv, y, CANDIDATES, returned, fw),
                    layer + ": cudnnGetConvolutionForwardAlgorithm_v7");
            for (int i = 0; i < returned.get() && forward < 0; i++)
                if (fw.position(i).status() == cudnn.CUDNN_STATUS_SUCCESS && fw.memory() <= WORKSPACE_LIMIT) {
                    forward = fw.algo();
                    forwardBytes = fw.memory();
                }
            Cudnn.check(cudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, w, y, conv, x, CANDIDATES, returned, bd),
                    layer + ": cudnnGetConvolutionBackwardDataAlgorithm_v7");
            for (int i = 0; i < returned.get() && data < 0; i++)
                if (bd.position(i).status() == cudnn.CUDNN_STATUS_SUCCESS && bd.memory() <= WORKSPACE_LIMIT) {
                    data = bd.algo();
                    dataBytes = bd.memory();
                }
            Cudnn.check(cudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle, x, y, conv, w, CANDIDATES, returned, bf),
                    layer + ": cudnnGetConvolutionBackwardFilterAlgorithm_v7");
            for (int i = 0; i < returned.get() && filter < 0; i++)
                if (bf.position(i).status() == cudnn.CUDNN_STATUS_SUCCESS && bf.memory() <= WORKSPACE_LIMIT) {
                    filter = bf.algo();
                    filterBytes = bf.memory();
                }
            fw.position(0);
            bd.position(0);
            bf.position(0);
        }
        if (forward < 0 || data < 0 || filter < 0)
            throw new IllegalStateException(layer + ": cuDNN offers no convolution algorithm within 1 GiB of workspace");
        return new ConvolutionAlgorithms(forward, forwardBytes, data, dataBytes, filter, filterBytes);
    }
}
