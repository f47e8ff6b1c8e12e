"""%%cuda through a real client: a kernel compiled in one cell and launched in the next where there
is a GPU; a plain error without one; NVRTC's errors on the cell's own lines; the kernel keeps running."""
import re
import unittest

import harness

SAXPY = """extern "C" __global__ void saxpy(int n, float a, const float* x, float* y) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}"""

LAUNCH = """int n = 1000;
INDArray x = Nd4j.rand(DataType.FLOAT, n), y = Nd4j.rand(DataType.FLOAT, n);
double difference;
try (GpuArray gx = GpuArray.of(x, Device.best()); GpuArray gy = GpuArray.of(y, Device.best())) {
    saxpy.launch(CudaKernel.blocksFor(n, 256), 256, n, 2.0f, gx, gy);
    difference = gy.toHost().sub(x.mul(2.0f).add(y)).amaxNumber().doubleValue();
}
difference < 1e-5"""


def has_gpu(k):
    text = k.value("%device")
    return "GPU 0 compute capability" in text


class CudaMagicTest(unittest.TestCase):
    def test_cuda_magic(self):
        with harness.Kernel(harness.kernel_names()[0]) as k:
            reply, outputs = k.execute("%lsmagic")
            self.assertEqual(reply["status"], "ok", reply)
            self.assertRegex(harness.stream_text(outputs), r"%%cuda\s+compile the cell's CUDA")

            reply, outputs = k.execute("%%cuda --help")
            self.assertEqual(reply["status"], "ok", reply)
            self.assertIn("Usage: %%cuda NAME [FUNCTION]", harness.stream_text(outputs))

            reply, _ = k.execute("%%cuda\n" + SAXPY)
            self.assertEqual(reply["status"], "error")
            self.assertEqual(reply["ename"], "MagicError")
            self.assertIn("Usage: %%cuda NAME [FUNCTION]", reply["traceback"])

            if has_gpu(k):
                self.compiles_launches_and_points_at_errors(k)
            else:
                reply, outputs = k.execute("%%cuda saxpy\n" + SAXPY)
                self.assertEqual(reply["status"], "error", reply)
                self.assertEqual(reply["ename"], "NoGpuError")
                self.assertTrue(reply["evalue"].startswith("%%cuda needs an NVIDIA GPU: no CUDA device: "), reply["evalue"])
                errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
                self.assertEqual(errors[0]["evalue"], reply["evalue"])
            self.assertEqual(k.value("1 + 1"), "2")

    def compiles_launches_and_points_at_errors(self, k):
        reply, outputs = k.execute("%%cuda saxpy\n" + SAXPY)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertIn("saxpy = CudaKernel saxpy on gpu:0", harness.stream_text(outputs))
        self.assertEqual(k.value(LAUNCH), "true")

        # Source line 3 is cell line 4 (line 1 is %%cuda); a blank line above moves it to 5.
        broken = SAXPY.replace("a * x[i]", "a * z[i]")
        for cell, line in (("%%cuda broken saxpy\n" + broken, 4), ("\n%%cuda broken saxpy\n" + broken, 5)):
            reply, _ = k.execute(cell)
            self.assertEqual(reply["status"], "error", reply)
            self.assertEqual(reply["ename"], "CudaCompilationError")
            self.assertRegex(reply["traceback"][0],
                             r'^error: cell \[\d+\] line %d, column 27: identifier "z" is undefined$' % line)
            self.assertEqual(reply["traceback"][1], "        if (i < n) y[i] = a * z[i] + y[i];")
            self.assertEqual(reply["traceback"][2], " " * 30 + "^")
            self.assertTrue(reply["evalue"].endswith("line %d)" % line), reply["evalue"])

        reply, _ = k.execute("%%cuda mangled saxpy\n" + SAXPY.replace('extern "C" ', ""))
        self.assertEqual(reply["status"], "error", reply)
        self.assertIn('extern "C"', reply["evalue"])
        self.assertTrue(re.search(r"_Z5saxpy", reply["evalue"]), reply["evalue"])


if __name__ == "__main__":
    unittest.main()
