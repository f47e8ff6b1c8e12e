package io.github.alexlab.bench;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.CpuEngine;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.train.History;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.Trainer;

import java.util.Locale;

/**
 * Benchmark (not a test): LeNet5.modern() on the full Fashion-MNIST training set, batch 256, on
 * this machine's CPU: seconds per epoch (training only; the test-set evaluation after each epoch
 * is timed apart) and the test accuracy reached.
 * <p>
 * usage: LeNetCpuBenchmark [epochs] [batch]
 */
public final class LeNetCpuBenchmark {
    public static void main(String[] args) throws Exception {
        CpuEngine.choose();
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        FashionMnist data = FashionMnist.full();
        Sequential model = LeNet5.modern();
        DataLoader train = new DataLoader(data.train(), batch).shuffle(1);
        DataLoader test = new DataLoader(data.test(), 1000);
        SGD sgd = new SGD(model.parameters(), 0.05).momentum(0.9).weightDecay(5e-4);
        System.out.printf(Locale.ROOT, "%s, %s (%d train / %d test), batch %d, %s, %d CPU threads%n", model.name(),
                data.source(), data.train().size(), data.test().size(), batch, CpuEngine.describe(),
                Runtime.getRuntime().availableProcessors());
        History history = new Trainer(model, sgd).quiet().fit(train, null, epochs);
        for (History.Epoch e : history.epochs())
            System.out.printf(Locale.ROOT, "epoch %d: %6.2f s (target <= 10 s), train loss %.4f, train accuracy %.4f%n",
                    e.epoch(), e.seconds(), e.trainLoss(), e.trainAccuracy());
        if (history.epochs().size() > 1) // the first epoch also compiles (JIT) and sets up oneDNN's kernels
            System.out.printf(Locale.ROOT, "after the first epoch: %.2f s per epoch on average (target <= 10 s)%n",
                    history.epochs().stream().skip(1).mapToDouble(History.Epoch::seconds).average().orElse(Double.NaN));
        long t = System.nanoTime();
        double accuracy = new Trainer(model, sgd).evaluate(test).accuracy();
        System.out.printf(Locale.ROOT, "test accuracy after %d epochs: %.4f (evaluation %.1f s)%n", epochs, accuracy, (System.nanoTime() - t) / 1e9);
    }
}
