package io.github.alexlab.nn;

import io.github.alexlab.cuda.RequiresCuda;
import io.github.alexlab.data.Batch;
import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.models.AlexNet;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuOutOfMemoryError;
import io.github.alexlab.tensor.MemoryLedger;
import io.github.alexlab.train.History;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.Trainer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every block's GPU path against its CPU path, and training on the GPU. */
@RequiresCuda
class GpuBlocksTest {
    private final Device gpu = Device.gpu(0);

    @Test
    void everyBlockMatchesTheCpuWithinTheTolerance() {
        List<GpuCheck.Result> results = GpuCheck.everyBlock(gpu);
        results.forEach(System.out::println);
        List<GpuCheck.Result> failed = results.stream().filter(r -> !r.passed()).toList();
        assertTrue(failed.isEmpty(), "blocks whose GPU path differs from the CPU's: " + failed);
        assertTrue(results.size() >= 17, "every block kind is checked");
    }

    @Test
    void dropoutOnTheGpuDropsAboutPAndBackwardUsesTheSameMask() {
        Dropout dropout = new Dropout("drop", 0.5, 7);
        try (GpuArray x = GpuArray.of(Nd4j.ones(DataType.FLOAT, 500, 1000), gpu)) {
            INDArray first = dropout.forward(x).toHost();
            INDArray gradient = dropout.backward(x).toHost();
            INDArray second = dropout.forward(x).toHost();
            double dropped = first.eq(0).castTo(DataType.FLOAT).meanNumber().doubleValue();
            assertEquals(0.5, dropped, 0.005, "share dropped");
            assertEquals(2.0, first.maxNumber().doubleValue(), 1e-6, "kept units are scaled by 1/(1-p)");
            assertEquals(first, gradient, "backward applies the forward's mask");
            assertNotEquals(first, second, "every forward draws a new mask");
            dropout.train(false);
            assertSame(x, dropout.forward(x), "evaluation: the identity");
        } finally {
            dropout.freeGpuBuffers();
        }
    }

    @Test
    void alexNetOnTheGpuMatchesTheCpu() {
        Sequential cpu = AlexNet.singleTower(1, 224, 10), onGpu = AlexNet.singleTower(1, 224, 10).to(gpu);
        cpu.train(false); // dropout off: its masks are random
        onGpu.train(false);
        INDArray x = GpuCheck.random(new long[]{2, 1, 224, 224}, 11);
        INDArray y = cpu.forward(x);
        INDArray g = GpuCheck.random(y.shape(), 12);
        cpu.backward(g);
        try (GpuArray xg = GpuArray.of(x, gpu); GpuArray gg = GpuArray.of(g, gpu)) {
            assertTrue(GpuCheck.relativeError(onGpu.forward(xg).toHost(), y) < GpuCheck.TOLERANCE, "logits");
            onGpu.backward(gg);
            for (int i = 0; i < cpu.parameters().size(); i++) {
                double e = GpuCheck.relativeError(onGpu.parameters().get(i).gradient(), cpu.parameters().get(i).gradient());
                assertTrue(e < GpuCheck.TOLERANCE, "gradient of parameter " + i + ": " + e);
            }
        } finally {
            onGpu.to(Device.cpu());
        }
    }

    @Test
    void oneSgdStepGivesTheSameWeightsOnBothDevices() {
        Sequential cpu = LeNet5.modern(10, 42), onGpu = LeNet5.modern(10, 42).to(gpu);
        Batch batch = firstBatch(64);
        SGD sgdCpu = new SGD(cpu.parameters(), 0.05).momentum(0.9).weightDecay(5e-4);
        SGD sgdGpu = new SGD(onGpu.parameters(), 0.05).momentum(0.9).weightDecay(5e-4);
        CrossEntropyLoss lossCpu = new CrossEntropyLoss(), lossGpu = new CrossEntropyLoss();
        for (int step = 0; step < 2; step++) { // the second step uses the velocity of the first
            cpu.zeroGradients();
            double l1 = lossCpu.forward(cpu.forward(batch.images()), batch.labels());
            cpu.backwardToParameters(lossCpu.backward());
            sgdCpu.step();
            onGpu.zeroGradients();
            try (GpuArray x = GpuArray.of(batch.images(), gpu)) {
                double l2 = lossGpu.forward(onGpu.forward(x), batch.labels());
                onGpu.backwardToParameters(lossGpu.backwardOnGpu());
                assertEquals(l1, l2, 1e-4 * Math.abs(l1), "loss at step " + step);
            }
            sgdGpu.step();
        }
        for (int i = 0; i < cpu.parameters().size(); i++) {
            double e = GpuCheck.relativeError(onGpu.parameters().get(i).value(), cpu.parameters().get(i).value());
            assertTrue(e < GpuCheck.TOLERANCE, cpu.parameters().get(i) + " differs by " + e);
        }
        onGpu.to(Device.cpu());
    }

    @Test
    void lenetTrainsOnTheGpuAndTheLedgerEmptiesAfterwards() {
        long before = MemoryLedger.global().allocatedBytes(0);
        Sequential model = LeNet5.modern(10, 1).to(gpu);
        DataLoader trainLoader = new DataLoader(data().train(), 128).limit(2000).shuffle(1), testLoader = new DataLoader(data().test(), 256).limit(1000);
        SGD sgd = new SGD(model.parameters(), 0.05).momentum(0.9);
        History h = new Trainer(model, sgd).quiet().fit(trainLoader, testLoader, 2);
        System.out.println("GPU LeNet-5: " + h.last());
        assertTrue(h.last().testAccuracy() > 0.6, "after 2 epochs on 2,000 images: " + h.last());
        assertTrue(MemoryLedger.global().allocatedBytes(0) > before, "weights, buffers and velocities live on the GPU");
        model.to(Device.cpu());
        sgd.velocitiesToHost();
        assertEquals(before, MemoryLedger.global().allocatedBytes(0), "all GPU memory given back: " + MemoryLedger.global());
        assertTrue(model.parameters().get(0).value().norm2Number().doubleValue() > 0, "the trained weights came back");
    }

    @Test
    void theStepperTimesEachLayerOnTheGpu() {
        Sequential cpu = LeNet5.modern(10, 3), onGpu = LeNet5.modern(10, 3).to(gpu);
        INDArray images = firstBatch(16).images();
        Stepper hostSteps = cpu.stepper(images).runAll();
        try (GpuArray x = GpuArray.of(images, gpu)) {
            Stepper gpuSteps = onGpu.stepper(x).runAll();
            for (int i = 0; i < gpuSteps.steps().size(); i++) {
                Step s = gpuSteps.steps().get(i);
                assertEquals(gpu, s.device());
                assertTrue(s.millis() > 0 && s.millis() < 1000, s.toString());
                assertTrue(s.deviceBytes() > 0, s.toString());
                assertTrue(GpuCheck.relativeError(s.output(), hostSteps.steps().get(i).output()) < GpuCheck.TOLERANCE, s.toString());
            }
            assertTrue(gpuSteps.toHtml().contains("GPU time"));
        }
        onGpu.to(Device.cpu());
    }

    @Test
    void anOutputTooLargeForTheGpuFailsClearlyAndTheBlockStillWorks() {
        Layer wide = new Conv2d("wide", 1, 4096, 1).to(gpu); // a 1x1 convolution to 4,096 channels
        try (GpuArray big = GpuArray.zeros(gpu, DataType.FLOAT, 64, 1, 512, 512); // 64 MiB in, 256 GiB out
             GpuArray small = GpuArray.of(GpuCheck.random(new long[]{1, 1, 4, 4}, 9), gpu)) {
            var e = assertThrows(GpuOutOfMemoryError.class, () -> wide.forward(big));
            assertTrue(e.getMessage().contains("wide output"), "names the buffer: " + e.getMessage());
            assertArrayEquals(new long[]{1, 4096, 4, 4}, wide.forward(small).shape(), "the same block works with a batch that fits");
        } finally {
            wide.to(Device.cpu());
        }
    }

    @Test
    void aBlockOnTheCpuRefusesAGpuInputClearly() {
        Linear fc = new Linear("fc", 4, 2);
        try (GpuArray x = GpuArray.of(GpuCheck.random(new long[]{3, 4}, 5), gpu)) {
            var e = assertThrows(IllegalStateException.class, () -> fc.forward(x));
            assertTrue(e.getMessage().contains("fc") && e.getMessage().contains(".to(Device.gpu(0))"), e.getMessage());
            var wrongType = assertThrows(IllegalArgumentException.class, () -> {
                try (GpuArray d = GpuArray.of(GpuCheck.random(new long[]{3, 4}, 5).castTo(DataType.DOUBLE), gpu)) {
                    new ReLU("r").forward(d);
                }
            });
            assertTrue(wrongType.getMessage().contains("FLOAT"), wrongType.getMessage());
        }
    }

    private static Batch firstBatch(int size) {
        return new DataLoader(data().train(), size).iterator().next();
    }

    private static FashionMnist data() {
        try {
            return FashionMnist.load(); // the bundled subset in a checkout
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
