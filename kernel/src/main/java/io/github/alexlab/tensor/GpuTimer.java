package io.github.alexlab.tensor;

import io.github.alexlab.cuda.CudaException;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.global.cudart;

/**
 * Times GPU work with CUDA events. A GPU call returns as soon as the work is queued, so a wall clock
 * around it measures the launch, not the work. An event is a stamp the GPU writes when its queue
 * reaches it: two events around the work give the GPU's own time for it.
 * <pre>
 *   try (GpuTimer t = GpuTimer.start(gpu)) { layer.forward(x); double ms = t.stopMillis(); }
 * </pre>
 */
public final class GpuTimer implements AutoCloseable {
    private final CUevent_st start = new CUevent_st(), stop = new CUevent_st();
    private final Device device;

    private GpuTimer(Device device) {
        this.device = device;
        GpuArray.select(device);
        CudaException.check(cudart.cudaEventCreate(start), "cudaEventCreate");
        CudaException.check(cudart.cudaEventCreate(stop), "cudaEventCreate");
    }

    /** Stamps the start in the GPU's queue (the default stream, where all of our work runs). */
    public static GpuTimer start(Device device) {
        GpuTimer timer = new GpuTimer(device);
        CudaException.check(cudart.cudaEventRecord(timer.start, null), "cudaEventRecord(start)");
        return timer;
    }

    /** Stamps the end, waits until the GPU reaches it, and returns the milliseconds between the stamps. */
    public double stopMillis() {
        GpuArray.select(device);
        CudaException.check(cudart.cudaEventRecord(stop, null), "cudaEventRecord(stop)");
        CudaException.check(cudart.cudaEventSynchronize(stop), "cudaEventSynchronize");
        float[] millis = new float[1];
        CudaException.check(cudart.cudaEventElapsedTime(millis, start, stop), "cudaEventElapsedTime");
        return millis[0];
    }

    @Override
    public void close() {
        cudart.cudaEventDestroy(start);
        cudart.cudaEventDestroy(stop);
    }
}
