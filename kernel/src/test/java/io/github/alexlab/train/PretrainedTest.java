package io.github.alexlab.train;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.Datasets;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.nn.Parameter;
import io.github.alexlab.nn.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loading a shipped checkpoint: its SHA-256 is checked against SHA256SUMS before it is read, and a
 * changed, unlisted or missing file is refused with a message that names the file, both digests and
 * what to do. Most tests use a datasets folder of their own (a LeNet-5 with made-up weights and its
 * SHA256SUMS); the last ones the files the course ships.
 */
class PretrainedTest {
    private static final TrainingRecipe RECIPE = TrainingRecipe.lenet5();

    @TempDir
    Path datasets;
    private Path file;
    private Sequential saved;

    /** datasets/checkpoints/lenet5.safetensors with weights no recipe makes, and its line in datasets/SHA256SUMS. */
    @BeforeEach
    void aDatasetsFolderWithOneCheckpoint() throws IOException {
        saved = RECIPE.freshModel();
        Random random = new Random(3);
        for (Parameter p : saved.parameters()) {
            INDArray moved = p.value().dup();
            for (long i = 0; i < moved.length(); i++)
                moved.putScalar(i, moved.getDouble(i) + 0.1 * random.nextGaussian());
            p.set(moved);
        }
        Map<String, String> metadata = RECIPE.metadata(4);
        metadata.putAll(Map.of("train_images", "60000", "test_images", "10000", "test_correct", "8000", "made_by", "this test"));
        file = Files.createDirectories(datasets.resolve(Pretrained.FOLDER)).resolve("lenet5.safetensors");
        Checkpoint.save(saved, file, metadata);
        Files.writeString(datasets.resolve("SHA256SUMS"), "0".repeat(64) + "  fashion-mnist-small/train-images-idx3-ubyte\n"
                + Pretrained.sha256(file) + "  checkpoints/lenet5.safetensors\n");
    }

    /** Eight images of noise, the same every run. */
    private static INDArray images() {
        Random random = new Random(8);
        float[] pixels = new float[8 * 28 * 28];
        for (int i = 0; i < pixels.length; i++)
            pixels[i] = random.nextFloat();
        return Nd4j.create(pixels, new long[]{8, 1, 28, 28}, 'c');
    }

    @Test
    void aCheckpointWhoseSumMatchesLoadsWithHowItWasMade() {
        Pretrained loaded = Pretrained.load(RECIPE, datasets);
        INDArray x = images();
        assertEquals(saved.forward(x), loaded.model().forward(x));
        assertEquals(4, loaded.epochs());
        assertEquals(60_000, loaded.trainImages());
        assertEquals(0.8, loaded.testAccuracy(), 1e-12);
        assertEquals(Pretrained.sha256(file), loaded.sha256());
        assertTrue(loaded.toString().contains("trained for 4 epochs on 60,000 images by this test, test accuracy 80.00% on 10,000 test images"),
                loaded.toString());
    }

    @Test
    void aCheckpointWithOneByteChangedIsRefusedWithBothDigests() throws IOException {
        String expected = Pretrained.sha256(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x01; // in the last weight: the file still parses, the weight is a little off
        Files.write(file, bytes);
        String actual = Pretrained.sha256(file);
        assertNotEquals(expected, actual);

        // Without the SHA-256 check this file would load without complaint: the check is what stops it
        Checkpoint.load(RECIPE.freshModel(), file);

        CheckpointException e = assertThrows(CheckpointException.class, () -> Pretrained.load(RECIPE, datasets));
        String message = e.getMessage();
        assertTrue(message.startsWith(file + " is refused: its SHA-256 does not match"), message);
        assertTrue(message.contains("expected SHA-256 (SHA256SUMS): " + expected), message);
        assertTrue(message.contains("actual SHA-256 of the file:    " + actual), message);
        assertTrue(message.contains("git checkout -- datasets/checkpoints/lenet5.safetensors"), message);
        assertTrue(message.contains("./install.sh checkpoints"), message);
        assertEquals(file, e.file());
    }

    @Test
    void aCheckpointTheManifestDoesNotListIsRefused() throws IOException {
        Files.writeString(datasets.resolve("SHA256SUMS"), "0".repeat(64) + "  fashion-mnist-small/train-images-idx3-ubyte\n");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Pretrained.load(RECIPE, datasets));
        assertTrue(e.getMessage().contains("has no SHA-256 for it"), e.getMessage());
        assertTrue(e.getMessage().contains("'<sha256>  checkpoints/lenet5.safetensors'"), e.getMessage());
        assertTrue(e.getMessage().contains(Pretrained.sha256(file)), e.getMessage());

        Files.delete(datasets.resolve("SHA256SUMS"));
        e = assertThrows(CheckpointException.class, () -> Pretrained.load(RECIPE, datasets));
        assertTrue(e.getMessage().contains("its SHA-256 cannot be checked"), e.getMessage());
    }

    @Test
    void aMissingCheckpointSaysHowToGetItBack() throws IOException {
        Files.delete(file);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Pretrained.load(RECIPE, datasets));
        assertTrue(e.getMessage().startsWith(file + " is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("git checkout -- datasets/checkpoints/lenet5.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("./install.sh checkpoints"), e.getMessage());
    }

    @Test
    void aCheckpointOfAnotherArchitectureIsRefusedEvenWithItsSum() throws IOException {
        // The small AlexNet's recipe asked for lenet5's file: the sum matches, the names and shapes do not
        Path other = datasets.resolve(Pretrained.FOLDER).resolve("small-alexnet.safetensors");
        Files.copy(file, other);
        MakeCheckpoints.updateSums(datasets.resolve("SHA256SUMS"), Map.of("checkpoints/small-alexnet.safetensors", Pretrained.sha256(other)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Pretrained.load(TrainingRecipe.smallAlexNet(), datasets));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    // ---- the files the course ships -------------------------------------------------------------

    @Test
    void theShippedCheckpointsMatchTheirSumsAndLoadIntoTheirArchitecturesTrained() throws IOException {
        Path shipped = Datasets.folder().orElseThrow();
        FashionMnist bundled = FashionMnist.load(shipped.resolve(FashionMnist.BUNDLED_FOLDER));
        for (TrainingRecipe recipe : TrainingRecipe.all()) {
            Pretrained p = Pretrained.load(recipe, shipped); // checks the SHA-256, then every name, shape and type
            assertEquals(Pretrained.sha256(shipped.resolve("checkpoints").resolve(recipe.name() + ".safetensors")), p.sha256());
            assertEquals(recipe.freshModel().name(), p.model().name());
            assertEquals(recipe.epochs(), p.epochs(), recipe.name());
            assertEquals(60_000, p.trainImages(), recipe.name());
            assertEquals(10_000, p.testImages(), recipe.name());
            assertTrue(p.testAccuracy() > 0.8, recipe.name() + " recorded " + p.testAccuracy());
            // The bundled test images are the first 1,000 of the 10,000: a trained network scores well there too
            double bundledAccuracy = Evaluation.of(p.model(), new DataLoader(bundled.test(), MakeCheckpoints.TEST_BATCH),
                    FashionMnist.CLASS_NAMES).accuracy();
            System.out.printf("%s: %.4f recorded on the 10,000 test images, %.4f on the bundled 1,000%n",
                    recipe.name(), p.testAccuracy(), bundledAccuracy);
            assertTrue(bundledAccuracy > 0.75, recipe.name() + " scores " + bundledAccuracy + " on the bundled test images");
        }
    }

    @Test
    void theShippedCheckpointsScoreWhatTheyRecordedOnTheFullTestSet() throws IOException {
        FashionMnist fashion = FashionMnist.largestAvailable(); // the full set where this machine has it
        List<TrainingRecipe> recipes = TrainingRecipe.all();
        if (fashion.test().size() < 10_000) {
            System.out.println("skipped: the full test set is not on this machine (" + fashion + ")");
            return;
        }
        for (TrainingRecipe recipe : recipes) {
            Pretrained p = Pretrained.load(recipe);
            double now = Evaluation.of(p.model(), new DataLoader(fashion.test(), MakeCheckpoints.TEST_BATCH),
                    FashionMnist.CLASS_NAMES).accuracy();
            assertEquals(p.testAccuracy(), now, 0.001, recipe.name() + ": recorded and measured test accuracy");
        }
    }
}
