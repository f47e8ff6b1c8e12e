package io.github.alexlab.train;

import io.github.alexlab.nn.Parameter;
import io.github.alexlab.tensor.Blas;
import io.github.alexlab.tensor.GpuArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Stochastic gradient descent with momentum and weight decay, exactly as AlexNet was trained
 * (Krizhevsky, Sutskever and Hinton 2012, section 5). For every weight w with gradient g = dL/dw
 * of the current batch, learning rate lr, momentum m and weight decay wd:
 * <pre>
 *     v  &lt;-  m * v  -  wd * lr * w  -  lr * g
 *     w  &lt;-  w + v
 * </pre>
 * v, the velocity, starts at zero; it is a running sum of past steps, so a direction the gradient
 * keeps pointing in gathers speed (up to 1 / (1 - m) times a plain step) while noise that flips
 * sign from batch to batch cancels out. The weight decay term pulls every weight a little towards
 * zero at each step; AlexNet used m = 0.9, wd = 0.0005, lr = 0.01 and a batch of 128.
 * <p>
 * PyTorch's {@code torch.optim.SGD} writes the same method another way:
 * <pre>
 *     v  &lt;-  m * v  +  g  +  wd * w
 *     w  &lt;-  w - lr * v
 * </pre>
 * Its v is this class's v divided by -lr, so while lr stays constant both give the same weights,
 * step for step. They differ only when lr changes: here the velocity already carries the old lr
 * and the new one applies to the new gradient only; in PyTorch the new lr scales the whole
 * velocity at once.
 * <p>
 * {@link #step()} uses the gradients as they are and leaves them there: call
 * {@link #zeroGradients()} (or the model's) before the next backward pass, since backward adds
 * to the gradients. Entries of a masked parameter that are fixed at zero stay zero.
 * {@link TrainingStep} does both, in the order a step needs:
 * <pre>
 *     var sgd = new SGD(model.parameters(), 0.01).momentum(0.9).weightDecay(0.0005);
 *     new TrainingStep(model, sgd).run(images, labels);
 * </pre>
 */
public final class SGD {
    private final List<Parameter> parameters;
    private final List<INDArray> velocities; // one per parameter, null until its first step
    private final List<GpuArray> gpuVelocities; // the same for parameters on a GPU
    private double learningRate;
    private double momentum;
    private double weightDecay;
    private boolean decayBiases = true;

    /** Plain SGD (momentum 0, weight decay 0) over these parameters; add the rest with the setters below. */
    public SGD(List<Parameter> parameters, double learningRate) {
        if (parameters == null || parameters.isEmpty())
            throw new IllegalArgumentException("SGD needs at least one parameter to train, got "
                    + (parameters == null ? "null" : "an empty list"));
        for (Parameter p : parameters)
            if (p == null)
                throw new IllegalArgumentException("SGD: the parameter list holds a null");
        this.parameters = List.copyOf(parameters);
        this.velocities = new ArrayList<>(Collections.nCopies(parameters.size(), null));
        this.gpuVelocities = new ArrayList<>(Collections.nCopies(parameters.size(), null));
        if (!(learningRate > 0 && Double.isFinite(learningRate)))
            throw new IllegalArgumentException("learning rate must be more than 0, got " + learningRate);
        this.learningRate = learningRate;
    }

    /** Sets the momentum m, in [0, 1): 0 is plain SGD, AlexNet used 0.9. Returns this. */
    public SGD momentum(double momentum) {
        if (!(momentum >= 0 && momentum < 1))
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum
                    + (momentum >= 1 ? " (at 1 or more the velocity never dies down)" : ""));
        this.momentum = momentum;
        return this;
    }

    /** Sets the weight decay wd, 0 or more: AlexNet used 0.0005. Returns this. */
    public SGD weightDecay(double weightDecay) {
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay)))
            throw new IllegalArgumentException("weight decay must be 0 or more, got " + weightDecay);
        this.weightDecay = weightDecay;
        return this;
    }

    /**
     * Whether weight decay also applies to biases (parameters named "bias").
     * The paper's rule applies it to every weight, so the default is true; many later recipes
     * (and Caffe's AlexNet) leave biases out, since a bias does not make the model more complex.
     * Returns this.
     */
    public SGD decayBiases(boolean decayBiases) {
        this.decayBiases = decayBiases;
        return this;
    }

    public double learningRate() {
        return learningRate;
    }

    /**
     * Changes lr for the next steps, e.g. from a {@link LearningRateSchedule}. 0 is allowed (as in
     * PyTorch): a schedule that ends at 0, such as cosine down to 0, gives it at its end and after,
     * and a step then leaves the weights as they are. The rate a run starts with (the constructor's)
     * must be more than 0: a run that cannot learn at all is surely a mistake.
     */
    public void setLearningRate(double learningRate) {
        if (!(learningRate >= 0 && Double.isFinite(learningRate)))
            throw new IllegalArgumentException("learning rate must be 0 or more, got " + learningRate);
        this.learningRate = learningRate;
    }

    public double momentum() {
        return momentum;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public boolean decaysBiases() {
        return decayBiases;
    }

    /** The parameters this optimizer updates. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The velocity v of a parameter (same shape and type), or null before its first step. */
    public INDArray velocity(Parameter parameter) {
        int i = indexOf(parameter);
        if (i < 0)
            throw new IllegalArgumentException("SGD does not train " + parameter);
        if (gpuVelocities.get(i) != null)
            return gpuVelocities.get(i).toHost();
        return velocities.get(i);
    }

    /** One update of every parameter from its current gradient; the gradients are left as they are. */
    public void step() {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p.device().isGpu()) {
                stepOnGpu(i, p);
                continue;
            }
            INDArray w = p.value();
            INDArray v = velocityFor(i, w);
            double decay = decayBiases || !isBias(p) ? weightDecay : 0;
            if (fitsOneLoop(w, v, p.gradient(), p.mask())) {
                stepInOneLoop(w, v, p.gradient(), p.mask(), decay);
                continue;
            }
            v.muli(momentum);                                 // v = m v
            if (decay > 0)
                addScaled(v, -decay * learningRate, w);       //     - wd lr w
            addScaled(v, -learningRate, p.gradient());       //     - lr g
            if (p.mask() != null)
                v.muli(p.mask());                             // entries fixed at zero do not move
            w.addi(v);                                        // w = w + v
        }
    }

    /**
     * Parameters of at most this many numbers take the update as one loop in Java ({@link #stepInOneLoop}):
     * each ND4J call costs microseconds whatever its size, and LeNet-5's ten parameters would take some
     * forty calls a step. Larger ones take ND4J's calls above, which use every core.
     */
    static final long MOST_NUMBERS_FOR_ONE_LOOP = 1 << 16;

    /** Small, FLOAT, and every array one dense block of its own (not a view), so the loop can index it. */
    private static boolean fitsOneLoop(INDArray w, INDArray v, INDArray g, INDArray mask) {
        if (w.length() > MOST_NUMBERS_FOR_ONE_LOOP)
            return false;
        for (INDArray a : new INDArray[]{w, v, g, mask})
            if (a != null && (a.dataType() != DataType.FLOAT || a.isView() || a.length() != w.length() || a.ordering() != 'c'))
                return false;
        return true;
    }

    /** The update above, all four lines at once for each number: one pass instead of four ND4J calls. */
    private void stepInOneLoop(INDArray w, INDArray v, INDArray g, INDArray mask, double decay) {
        FloatBuffer weights = w.data().asNioFloat(), velocities = v.data().asNioFloat(), gradients = g.data().asNioFloat();
        FloatBuffer kept = mask == null ? null : mask.data().asNioFloat();
        float m = (float) momentum, decayRate = (float) (decay * learningRate), rate = (float) learningRate;
        for (int j = 0, n = (int) w.length(); j < n; j++) {
            float velocity = m * velocities.get(j) - decayRate * weights.get(j) - rate * gradients.get(j);
            if (kept != null)
                velocity *= kept.get(j);                      // entries fixed at zero do not move
            velocities.put(j, velocity);
            weights.put(j, weights.get(j) + velocity);
        }
    }

    /**
     * The same update on the GPU, one cuBLAS call per line, in the parameter's GPU memory. No mask step:
     * masked entries have w = 0 and g = 0 there, so v stays 0 and they do not move.
     */
    private void stepOnGpu(int i, Parameter p) {
        GpuArray w = p.valueOnGpu(), v = gpuVelocityFor(i, p);
        double decay = decayBiases || !isBias(p) ? weightDecay : 0;
        Blas.scale(momentum, v);                                   // v = m v
        if (decay > 0)
            Blas.axpy(-decay * learningRate, w, v);                //     - wd lr w
        Blas.axpy(-learningRate, p.gradientOnGpu(), v);           //     - lr g
        Blas.axpy(1, v, w);                                        // w = w + v
    }

    /** The velocity on the parameter's GPU: the host one moved there if the parameter moved, else zeros. */
    private GpuArray gpuVelocityFor(int i, Parameter p) {
        GpuArray v = gpuVelocities.get(i);
        if (v != null && !v.isClosed() && v.device().equals(p.device()))
            return v;
        if (v != null) { // the parameter moved to another GPU
            velocities.set(i, v.toHost());
            v.close();
        }
        INDArray host = velocities.get(i);
        v = host != null ? GpuArray.of(host.castTo(DataType.FLOAT), p.device(), p.name() + " velocity")
                : GpuArray.of(Nd4j.zeros(DataType.FLOAT, p.valueOnGpu().shape()), p.device(), p.name() + " velocity");
        gpuVelocities.set(i, v);
        velocities.set(i, null);
        return v;
    }

    /** Moves the velocities that are on a GPU to the host, freeing their GPU memory (training can go on anywhere). */
    public void velocitiesToHost() {
        for (int i = 0; i < gpuVelocities.size(); i++) {
            GpuArray v = gpuVelocities.get(i);
            if (v != null) {
                velocities.set(i, v.toHost());
                v.close();
                gpuVelocities.set(i, null);
            }
        }
    }

    /** Sets every parameter's gradient to zero, ready for the next backward pass. */
    public void zeroGradients() {
        for (Parameter p : parameters)
            p.zeroGradient();
    }

    /** A bias by name: every block calls its bias parameter "bias". */
    static boolean isBias(Parameter p) {
        return p.name().equals("bias");
    }

    /** The velocity of parameter i, made at the first step (zeros in the weight's type). */
    private INDArray velocityFor(int i, INDArray w) {
        GpuArray onGpu = gpuVelocities.get(i);
        if (onGpu != null) { // the parameter came back from the GPU: so does its velocity
            velocities.set(i, onGpu.toHost());
            onGpu.close();
            gpuVelocities.set(i, null);
        }
        INDArray v = velocities.get(i);
        if (v == null) {
            v = Nd4j.zerosLike(w);
            velocities.set(i, v);
        } else if (v.dataType() != w.dataType()) { // the model was converted, e.g. to DOUBLE: keep the speed
            v = v.castTo(w.dataType());
            velocities.set(i, v);
        }
        return v;
    }

    /** target += alpha * x, in place: no temporary the size of fc6's weights at every step. */
    private static void addScaled(INDArray target, double alpha, INDArray x) {
        Nd4j.exec(new Axpy(x, target, target, alpha));
    }

    private int indexOf(Parameter parameter) {
        for (int i = 0; i < parameters.size(); i++)
            if (parameters.get(i) == parameter)
                return i;
        return -1;
    }

    @Override
    public String toString() {
        return "SGD(lr " + learningRate + ", momentum " + momentum + ", weight decay " + weightDecay
                + (decayBiases ? "" : " except biases") + ", " + parameters.size() + " parameters)";
    }
}
