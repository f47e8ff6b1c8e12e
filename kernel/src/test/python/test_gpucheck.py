"""The GPU check in one command (`Main gpucheck --quick --out DIR`, `bin/alexlab gpucheck` in the
bundle): on a machine without a GPU every GPU step says why it was skipped, the CPU steps run,
the summary table comes last, and everything printed is also in DIR/gpucheck-report.txt."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from test_notebook_runner import REPO, runner_command


def bundle_modules():
    """The Java modules the bundle's runtime has (BUNDLE_MODULES in kernel/src/main/bundle/package.sh; jlink adds what they need)."""
    with open(os.path.join(REPO, "kernel", "src", "main", "bundle", "package.sh"), encoding="utf-8") as f:
        return re.search(r"^BUNDLE_MODULES=(\S+)$", f.read(), re.M).group(1)


def gpucheck(*args):
    java, _, jars, main, _ = runner_command()
    # Only the modules of the bundle's runtime, as on a GPU host: a step that needs another one fails here too
    # (the child JVMs inherit the flag).
    command = [java, "--limit-modules", bundle_modules(), "--add-modules", "jdk.incubator.vector",
               "-Djava.awt.headless=true", "-cp", jars, main]
    return subprocess.run([*command, "gpucheck", *args], capture_output=True, text=True, timeout=900,
                          env=dict(os.environ, ALEXLAB_DATA=os.path.join(REPO, "datasets", "fashion-mnist-small")))


class GpuCheckTest(unittest.TestCase):
    def test_quick_check(self):
        out = tempfile.mkdtemp(prefix="gpucheck-test-")
        try:
            run = gpucheck("--quick", "--out", out)
            text = run.stdout
            self.assertEqual(run.returncode, 0, text + run.stderr)
            table = text[text.rindex("\nsummary\n"):]
            steps = re.findall(r"^  (\d [^\n]*?)\s{2,}(ok|FAIL|skipped)\s+[\d.]+  (.*)$", table, re.M)
            self.assertEqual([s[0] for s in steps], ["1 device facts, CUDA libraries", "2 GPU tests (JUnit)", "3 selftest",
                                                     "4 GEMM benchmark (cuBLAS, 5 precisions)",
                                                     "4 AlexNet benchmark (CPU and GPU)", "4 PyTorch peer: GEMM",
                                                     "4 PyTorch peer: AlexNet"], table)
            status = {s[0]: (s[1], s[2]) for s in steps}
            self.assertEqual(status["3 selftest"][0], "ok", table)
            self.assertRegex(status["3 selftest"][1], r"selftest: [1-9]\d* passed, 0 failed")
            if "\nGPU: no CUDA device" in table:
                self.assertEqual(status["2 GPU tests (JUnit)"][0], "skipped", table)
                self.assertRegex(status["2 GPU tests (JUnit)"][1], r"gpu tests: 0 passed, 0 failed, [1-9]\d* skipped")
                self.assertRegex(text, r"skipped tensor\.GemmTest: no CUDA device \(.+\)", "each skip says why")
                for step in ["4 GEMM benchmark (cuBLAS, 5 precisions)", "4 AlexNet benchmark (CPU and GPU)",
                             "4 PyTorch peer: GEMM", "4 PyTorch peer: AlexNet"]:
                    self.assertEqual(status[step][0], "skipped", table)
                    self.assertTrue(status[step][1].startswith("no CUDA device: "), table)
            self.assertIn("cuda.NvrtcTest", text, "tests that need only CUDA's compiler are GPU tests too")
            with open(os.path.join(out, "gpucheck-report.txt"), encoding="utf-8") as f:
                self.assertEqual(f.read(), text, "the report holds every line printed")
            self.assertLessEqual(len(os.listdir(out)), 8)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def test_a_wrong_command_line_is_explained(self):
        run = gpucheck("--quik")
        self.assertEqual(run.returncode, 2)
        self.assertIn("unknown argument --quik", run.stderr)
        self.assertIn("usage: gpucheck --out DIR [--quick]", run.stderr)


if __name__ == "__main__":
    unittest.main()
