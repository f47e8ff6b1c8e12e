package io.github.alexlab.nn;

import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the blocks' GPU paths share: input checks, the cuDNN handle and the convolution workspace. */
final class GpuBlocks {
    private static final Map<Device, GpuArray> WORKSPACES = new HashMap<>();

    private GpuBlocks() {
    }

    /** The GPU blocks compute in FP32, and a block's parameters must be on the input's GPU. */
    static void requireUsable(String block, GpuArray input, List<Parameter> parameters) {
        if (input.isClosed())
            throw new IllegalStateException(block + ": the input " + input + " was closed");
        if (input.dataType() != DataType.FLOAT)
            throw new IllegalArgumentException(block + ": the GPU path computes in FLOAT, got " + input.dataType()
                    + " (cast on the host first: x.castTo(DataType.FLOAT))");
        for (Parameter p : parameters)
            if (!p.device().equals(input.device()))
                throw new IllegalStateException(block + ": its parameters are on " + p.device() + " but the input is on "
                        + input.device() + "; move the block there first with .to(" + javaExpression(input.device()) + ")");
    }

    /** backward's dL/dOutput must have the shape forward produced. */
    static void requireShape(String block, long[] expected, GpuArray gradOutput) {
        if (!Arrays.equals(expected, gradOutput.shape()))
            throw new ShapeException(block + " backward", Arrays.toString(expected), gradOutput.shape());
    }

    static cudnnContext cudnn(GpuArray onDevice) {
        return Cudnn.handle(onDevice.device().index());
    }

    /**
     * Scratch memory cuDNN's convolution algorithms ask for: one buffer per GPU that only grows, so the
     * layers of a network share it and nothing is allocated once the largest has run (null for 0 bytes).
     */
    static synchronized Pointer workspace(Device device, long bytes) {
        if (bytes == 0)
            return null;
        GpuArray current = WORKSPACES.get(device);
        if (current == null || current.bytes() < bytes) {
            if (current != null)
                current.close();
            current = GpuArray.empty(device, DataType.BYTE, "cuDNN workspace", bytes);
            WORKSPACES.put(device, current);
        }
        return current.pointer();
    }

    /** Frees the workspaces. */
    static synchronized void freeWorkspaces() {
        WORKSPACES.values().forEach(GpuArray::close);
        WORKSPACES.clear();
    }

    /** "Device.gpu(0)" or "Device.cpu()", for messages that tell what to type. */
    static String javaExpression(Device device) {
        return device.isGpu() ? "Device.gpu(" + device.index() + ")" : "Device.cpu()";
    }
}
