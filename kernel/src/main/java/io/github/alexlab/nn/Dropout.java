package io.github.alexlab.nn;

import io.github.alexlab.tensor.CudaKernel;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;
import java.util.List;

/**
 * Dropout (Hinton et al. 2012; AlexNet section 4.2, p = 0.5 in fc6 and fc7): in training, each
 * unit is zeroed with probability p, so no unit can rely on particular others being present.
 * <p>
 * This is "inverted" dropout: the kept units are scaled by 1/(1 - p) during training, so the
 * expected output equals the input and evaluation is the plain identity. (The paper instead
 * multiplied the outputs by 0.5 at test time; the two give the same expected values.)
 * <p>
 * Starts in training mode; {@link #train(boolean)} switches. The masks come from a generator
 * seeded once, so the same seed gives the same sequence of masks.
 */
public final class Dropout implements Layer {
    private final String name;
    private final double p;
    private final Random rng;
    private boolean training = true;
    private boolean forwarded;
    private INDArray mask; // 0 or 1/(1-p) per entry in the last training forward; null after an eval forward
    private final long seed;
    private long gpuDraws;        // forward passes on the GPU so far: each draws from its own counter
    private long gpuMaskSeed = -1; // the last GPU forward's seed, which backward reuses; -1 after an eval forward
    private long[] gpuShape;
    private final GpuBuffer gpuOutput, gpuGradInput;
    private CudaKernel kernel;

    public Dropout(String name, double p, long seed) {
        if (!(p >= 0 && p < 1))
            throw new IllegalArgumentException(name + ": drop probability p must be in [0, 1), got " + p);
        this.name = name;
        this.p = p;
        this.rng = Init.random(seed);
        this.seed = seed;
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
    }

    @Override
    public String name() {
        return name;
    }

    public double p() {
        return p;
    }

    @Override
    public void train(boolean training) {
        this.training = training;
    }

    public boolean isTraining() {
        return training;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return inputShape.clone();
    }

    // ---- CPU path -----------------------------------------------------------------------------

    @Override
    public INDArray forward(INDArray input) {
        forwarded = true;
        if (!training) {
            mask = null;
            return input.dup();
        }
        // Keep each unit with probability 1 - p (a Bernoulli draw of 1 or 0), and scale the kept ones by 1/(1 - p).
        mask = Nd4j.createUninitialized(input.dataType(), input.shape());
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1 - p), rng);
        mask.muli(1.0 / (1 - p));
        return input.mul(mask);
    }

    /** The same mask as the last forward: dropped units pass no gradient, kept ones are scaled alike. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (!forwarded)
            throw new IllegalStateException(name + ": backward before forward");
        if (mask == null)
            return gradOutput.dup(); // evaluation mode: the identity
        if (!gradOutput.equalShapes(mask))
            throw new ShapeException(name + " backward", Arrays.toString(mask.shape()), gradOutput.shape());
        return gradOutput.mul(mask);
    }

    // ---- GPU path: our own kernel, compiled with NVRTC for this GPU ---------------------------
    // A counter-based random generator: the number for element i is a hash of (seed, i), so every thread
    // draws its own without shared state, and backward recomputes the same mask from the same seed instead
    // of storing it (cuRAND's Philox and PyTorch's dropout work the same way). The hash is SplitMix64's
    // finaliser (Steele et al. 2014). The same kernel serves both directions: out = in * mask.

    static final String DROPOUT_KERNEL = """
            extern "C" __global__ void dropout(const float* in, float* out, long long n, float p, unsigned long long seed) {
                long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x;
                if (i >= n) return;
                unsigned long long z = seed + (unsigned long long) i * 0x9E3779B97F4A7C15ULL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
                z = z ^ (z >> 31);
                float u = (float) (z >> 40) * (1.0f / 16777216.0f);   // 24 random bits: uniform in [0, 1)
                out[i] = u < p ? 0.0f : in[i] / (1.0f - p);          // drop with probability p, scale the kept
            }
            """;

    @Override
    public GpuArray forward(GpuArray input) {
        GpuBlocks.requireUsable(name, input, List.of());
        forwarded = true;
        gpuShape = input.shape();
        if (!training) {
            gpuMaskSeed = -1;
            return input; // evaluation: the identity, nothing to compute
        }
        gpuMaskSeed = seed * 0x2545F4914F6CDD1DL + ++gpuDraws; // a fresh mask for every forward
        return applyMask(input, gpuOutput.like(input));
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        if (!forwarded || gpuShape == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, gpuShape, gradOutput);
        if (gpuMaskSeed == -1)
            return gradOutput;
        return applyMask(gradOutput, gpuGradInput.like(gradOutput));
    }

    private GpuArray applyMask(GpuArray in, GpuArray out) {
        if (kernel == null || !kernel.device().equals(in.device()))
            kernel = CudaKernel.compile(in.device(), DROPOUT_KERNEL, "dropout"); // NVRTC compiles it once per GPU and process
        kernel.launch(CudaKernel.blocksFor(in.length(), 256), 256, in, out, in.length(), (float) p, gpuMaskSeed);
        return out;
    }

    @Override
    public void forgetActivations() {
        mask = null;
        forwarded = false;
    }

    @Override
    public void freeGpuBuffers() {
        gpuOutput.free();
        gpuGradInput.free();
    }

    @Override
    public String toString() {
        return "Dropout(" + name + ": p=" + p + (training ? "" : ", eval") + ")";
    }
}
