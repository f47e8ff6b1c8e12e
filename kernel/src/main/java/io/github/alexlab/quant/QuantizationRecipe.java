package io.github.alexlab.quant;

import java.util.Locale;

/**
 * How a trained network is to be stored and computed: one row of the quantization tables.
 * <ul>
 *   <li>{@link Format#FP32}: as trained.</li>
 *   <li>{@link Format#FP16} / {@link Format#BF16}: weights and the inputs of every convolution and fully
 *       connected layer rounded to 16 bits (the products are summed in FP32, as tensor cores do).</li>
 *   <li>{@link Format#INTEGER}: weights as symmetric {@code weightBits}-bit integers, per tensor or per output
 *       channel; activations (the inputs of those layers) as symmetric {@code activationBits}-bit integers with a
 *       clipping threshold chosen by {@code calibrator} from calibration data, or left in FP32 when the
 *       calibrator is null ("weights only").</li>
 * </ul>
 */
public record QuantizationRecipe(Format format, int weightBits, boolean perChannel, int activationBits, Calibrator calibrator) {
    public enum Format { FP32, FP16, BF16, INTEGER }

    public QuantizationRecipe {
        if (format == Format.INTEGER) {
            if (weightBits < 2 || weightBits > 8)
                throw new IllegalArgumentException("weight bits must be 2..8, got " + weightBits);
            if (calibrator != null && (activationBits < 2 || activationBits > 8))
                throw new IllegalArgumentException("activation bits must be 2..8, got " + activationBits);
        }
    }

    public static QuantizationRecipe fp32() {
        return new QuantizationRecipe(Format.FP32, 32, false, 32, null);
    }

    public static QuantizationRecipe fp16() {
        return new QuantizationRecipe(Format.FP16, 16, false, 16, null);
    }

    public static QuantizationRecipe bf16() {
        return new QuantizationRecipe(Format.BF16, 16, false, 16, null);
    }

    /** INT8 weights (per channel or per tensor) and INT8 activations clipped where {@code calibrator} says. */
    public static QuantizationRecipe int8(boolean perChannel, Calibrator calibrator) {
        return integer(8, 8, perChannel, calibrator);
    }

    public static QuantizationRecipe integer(int weightBits, int activationBits, boolean perChannel, Calibrator calibrator) {
        return new QuantizationRecipe(Format.INTEGER, weightBits, perChannel, activationBits, calibrator);
    }

    /** Integer weights, FP32 activations: what the weights alone lose. */
    public static QuantizationRecipe weightsOnly(int bits, boolean perChannel) {
        return new QuantizationRecipe(Format.INTEGER, bits, perChannel, 32, null);
    }

    /** Whether the inputs of the convolutions and fully connected layers are quantized (or rounded) too. */
    public boolean quantizesActivations() {
        return format == Format.FP16 || format == Format.BF16 || (format == Format.INTEGER && calibrator != null);
    }

    /** Bits a weight takes in storage. */
    public int bitsPerWeight() {
        return switch (format) {
            case FP32 -> 32;
            case FP16, BF16 -> 16;
            case INTEGER -> weightBits;
        };
    }

    /** e.g. "INT8 per-channel, activations INT8 (entropy (KL))". */
    public String label() {
        return switch (format) {
            case FP32 -> "FP32";
            case FP16 -> "FP16";
            case BF16 -> "BF16";
            case INTEGER -> String.format(Locale.ROOT, "INT%d %s, activations %s", weightBits, perChannel ? "per-channel" : "per-tensor",
                    calibrator == null ? "FP32" : "INT" + activationBits + " (" + calibrator.name() + ")");
        };
    }

    @Override
    public String toString() {
        return label();
    }
}
