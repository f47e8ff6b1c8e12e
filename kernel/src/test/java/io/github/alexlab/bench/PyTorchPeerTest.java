package io.github.alexlab.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The PyTorch peer of CpuVersusPyTorch: its script is found, it answers timings, and its absence is a clear error. */
class PyTorchPeerTest {
    @Test
    void theScriptsAreFoundFromTheJars() {
        assertTrue(Files.isRegularFile(PyTorchPeer.script("torch_cpu_peer.py")));
        assertTrue(Files.isRegularFile(PyTorchPeer.script("torch_peer.py")));
    }

    @Test
    void noPythonWithTorchIsAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> PyTorchPeer.serve("torch_cpu_peer.py", 1, List.of("/nonexistent/python3")));
        assertEquals("no Python here imports torch (tried /nonexistent/python3)", e.getMessage());
    }

    @Test
    void thePeerTimesWorkAndRefusesWhatItDoesNotKnow() throws IOException {
        assumeTrue(PyTorchPeer.python(PyTorchPeer.pythons()) != null, "no Python with PyTorch here: the benchmark runs AlexLab's side alone");
        try (PyTorchPeer peer = PyTorchPeer.serve("torch_cpu_peer.py", 1)) {
            assertTrue(peer.banner().matches("torch \\S+ threads 1"), peer.banner());
            double ms = peer.millis("sgemm 64");
            assertTrue(ms > 0 && ms < 10_000, "sgemm 64 took " + ms + " ms");
            IOException e = assertThrows(IOException.class, () -> peer.millis("bogus 3"));
            assertTrue(e.getMessage().contains("unknown work 'bogus'"), e.getMessage());
            assertTrue(peer.millis("lenet-infer 4") > 0, "the peer still answers after a bad request");
        }
    }
}
