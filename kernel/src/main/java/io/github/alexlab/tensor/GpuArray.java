package io.github.alexlab.tensor;

import io.github.alexlab.cuda.CudaException;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;

/**
 * An array in a GPU's memory: a shape, a data type and a block of device memory, row-major like a
 * contiguous ND4J array. It comes from the host with {@link #of(INDArray, Device)} and goes back with
 * {@link #toHost()}; both copies are explicit and timed ({@link #lastTransferSeconds()}), because their
 * cost is part of the lesson. Free it with {@link #close()} (or try-with-resources): the
 * {@link MemoryLedger} lists every array still holding device memory.
 */
public final class GpuArray implements AutoCloseable {
    private final Device device;
    private final DataType type;
    private final long[] shape;
    private final long bytes;
    private Pointer data;
    private final long ledgerId;      // -1 for a view: the memory belongs to another array
    private final GpuArray owner;     // the array whose memory a view shares, or null
    private static double lastTransferSeconds = Double.NaN;

    private GpuArray(Device device, DataType type, long[] shape, String what) {
        if (!device.isGpu())
            throw new IllegalArgumentException("a GpuArray lives on a GPU, not on " + device + "; keep CPU data in an INDArray");
        this.device = device;
        this.type = type;
        this.shape = shape.clone();
        this.bytes = Math.multiplyExact(Shape.lengthOf(shape), (long) type.width());
        select(device);
        Pointer p = new Pointer();
        int status = cudart.cudaMalloc(p, Math.max(bytes, 1));
        if (status == cudart.cudaErrorMemoryAllocation)
            throw new GpuOutOfMemoryError(device, bytes, what, freeAndTotal(device));
        CudaException.check(status, "cudaMalloc(" + bytes + " bytes for " + what + ")");
        this.data = p;
        this.ledgerId = MemoryLedger.global().allocated(device.index(), what, bytes);
        this.owner = null;
    }

    /** A view: the same memory as {@code owner}, another shape with the same number of elements. */
    private GpuArray(GpuArray owner, long[] shape) {
        this.device = owner.device;
        this.type = owner.type;
        this.shape = shape.clone();
        this.bytes = owner.bytes;
        this.data = owner.data;
        this.ledgerId = -1;
        this.owner = owner;
    }

    /** A copy of a host array on {@code device} (a contiguous row-major copy is made first when needed). */
    public static GpuArray of(INDArray host, Device device) {
        return of(host, device, "");
    }

    /** The same; {@code what} names the copy in the {@link MemoryLedger}, e.g. "conv1 weight". */
    public static GpuArray of(INDArray host, Device device, String what) {
        String label = (what.isEmpty() ? "" : what + " ") + describe(host.dataType(), host.shape());
        GpuArray a = new GpuArray(device, host.dataType(), host.shape(), label);
        try {
            return a.copyFrom(host);
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /**
     * An array on {@code device} whose contents are whatever was in that memory before: for results a
     * kernel overwrites completely. {@code what} names it in the {@link MemoryLedger}, e.g. "conv1 output".
     */
    public static GpuArray empty(Device device, DataType type, String what, long... shape) {
        return new GpuArray(device, type, shape, what + " " + describe(type, shape));
    }

    /** An array of zeros on {@code device}. */
    public static GpuArray zeros(Device device, DataType type, long... shape) {
        GpuArray a = new GpuArray(device, type, shape, describe(type, shape));
        CudaException.check(cudart.cudaMemset(a.data, 0, a.bytes), "cudaMemset(" + a.bytes + " bytes)");
        return a;
    }

    /** Copies a host array of the same shape and type into this array (the copy is timed like {@link #of}). */
    public GpuArray copyFrom(INDArray host) {
        requireOpen();
        if (host.dataType() != type || !Arrays.equals(host.shape(), shape))
            throw new IllegalArgumentException("cannot copy " + describe(host.dataType(), host.shape()) + " into " + this);
        INDArray dense = host.ordering() == 'c' && host.elementWiseStride() == 1 && host.offset() == 0 && !host.isView() ? host : host.dup('c');
        select(device);
        long start = System.nanoTime();
        CudaException.check(cudart.cudaMemcpy(data, dense.data().addressPointer(), bytes, cudart.cudaMemcpyHostToDevice),
                "cudaMemcpy(host to " + device + ", " + bytes + " bytes)");
        lastTransferSeconds = (System.nanoTime() - start) / 1e9;
        return this;
    }

    /**
     * The same numbers seen with another shape (same element count), sharing this array's memory: no copy,
     * as a Flatten needs. Closing a view frees nothing; the view is unusable once this array is closed.
     */
    public GpuArray reshape(long... newShape) {
        requireOpen();
        if (Shape.lengthOf(newShape) != length())
            throw new IllegalArgumentException("cannot reshape " + this + " to " + Arrays.toString(newShape)
                    + ": " + Shape.lengthOf(newShape) + " elements instead of " + length());
        return new GpuArray(owner == null ? this : owner, newShape);
    }

    /** A new host array with this array's numbers (waits for the GPU's work on them to finish). */
    public INDArray toHost() {
        requireOpen();
        select(device);
        INDArray host = Nd4j.createUninitialized(type, shape, 'c');
        long start = System.nanoTime();
        CudaException.check(cudart.cudaMemcpy(host.data().addressPointer(), data, bytes, cudart.cudaMemcpyDeviceToHost),
                "cudaMemcpy(" + device + " to host, " + bytes + " bytes)");
        lastTransferSeconds = (System.nanoTime() - start) / 1e9;
        return host;
    }

    /** Seconds the last host-device copy of any array took (wall clock; the copy is synchronous). */
    public static double lastTransferSeconds() {
        return lastTransferSeconds;
    }

    public Device device() {
        return device;
    }

    public DataType dataType() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long length() {
        return Shape.lengthOf(shape);
    }

    public long bytes() {
        return bytes;
    }

    /** The device address, for CUDA libraries and kernels. */
    public Pointer pointer() {
        requireOpen();
        return data;
    }

    public boolean isClosed() {
        return data == null || (owner != null && owner.isClosed());
    }

    /** Frees the device memory now; the array cannot be used afterwards. Closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (data == null)
            return;
        if (owner != null) { // a view only lets go of the memory it shared
            data = null;
            return;
        }
        select(device);
        int status = cudart.cudaFree(data);
        data = null;
        MemoryLedger.global().released(ledgerId);
        CudaException.check(status, "cudaFree(" + bytes + " bytes)");
    }

    private void requireOpen() {
        if (isClosed())
            throw new IllegalStateException("this " + describe(type, shape) + " on " + device + " was closed; its memory is freed");
    }

    static void select(Device device) {
        CudaException.check(cudart.cudaSetDevice(device.index()), "cudaSetDevice(" + device.index() + ")");
    }

    static long[] freeAndTotal(Device device) {
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            CudaException.check(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new long[]{free.get(), total.get()};
        }
    }

    static String describe(DataType type, long[] shape) {
        return type + " " + Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "GpuArray(%s on %s, %,d bytes%s)", describe(type, shape), device, bytes, data == null ? ", closed" : "");
    }
}
