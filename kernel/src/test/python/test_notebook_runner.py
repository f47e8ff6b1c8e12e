"""The notebook runner without Jupyter (`Main run`, `bin/alexlab run` in the bundle):

- notebooks 00-02 give the same executed copies through it as through Jupyter's own client
  (nbclient): per cell the same outputs, output types, MIME types and execution counts, and the
  same text/plain once numbers (random values, timings) are masked, except in cells that time
  something (their words say which was faster); every copy is valid nbformat 4;
- a cell that sleeps past --timeout is interrupted, named, and the run exits non-zero;
- Ctrl-C interrupts the running cell and ends the run with exit code 130.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
COMPARED = ["00-welcome.ipynb", "01-tensors.ipynb", "02-alexnet-anatomy.ipynb"]
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?(?:\s*(?:ns|µs|ms|s|min)\b)?")
SPACES = re.compile(r"[ \t]+")
# A cell that times something says which was faster on this run: its words may differ too.
MEASURES = re.compile(r"%%?time|Timeit|nanoTime|Benchmark")


def masked(text):
    """Text without what changes from run to run: numbers (random values, a timing with its unit)
    and the padding that aligns them."""
    return SPACES.sub("", NUMBER.sub("#", text))
# The test budget, as ./install.sh test runs the notebooks.
BUDGET = {"ALEXLAB_EPOCHS": "1", "ALEXLAB_DATASET_LIMIT": "2000"}


def runner_command(*args):
    """The Java runner, on the java and jars of the kernel under test."""
    java = KernelSpecManager().get_kernel_spec("alexlab").argv[0]
    return [java, "-cp", os.path.join(REPO, "kernel", "target", "lib", "*"), "io.github.alexlab.kernel.Main", "run", *args]


def environment():
    env = dict(os.environ)
    for key, value in BUDGET.items():
        env.setdefault(key, value)
    env.setdefault("ALEXLAB_DATA", os.path.join(REPO, "datasets", "fashion-mnist-small"))
    return env


def shape(cell):
    """What must be equal between the runners: each output's type, MIME types and masked text.
    Consecutive prints to one stream count as one output: the runner joins them, as JupyterLab
    does when it saves a notebook; nbclient may keep them apart."""
    outputs = []
    for o in cell.get("outputs", []):
        entry = [o["output_type"]]
        if o["output_type"] == "stream":
            if outputs and outputs[-1][:2] == ["stream", o["name"]]:
                outputs[-1][2] = masked(outputs[-1][2] + o["text"])
                continue
            entry += [o["name"], masked(o["text"])]
        elif o["output_type"] in ("display_data", "execute_result"):
            entry.append(sorted(o["data"]))
            entry.append(masked(o["data"].get("text/plain", "")))
        elif o["output_type"] == "error":
            entry.append(o["ename"])
        outputs.append(entry)
    if MEASURES.search(cell.source):
        outputs = [entry[:2] for entry in outputs]  # the type, and the stream name, MIME types or error name
    return cell.get("execution_count"), outputs


def notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "alexlab", "display_name": "Java (AlexLab)", "language": "java"}
    return nb


class NotebookRunnerTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="runner-test-")

    def tearDown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def test_same_results_as_jupyter(self):
        out = os.path.join(self.folder, "java")
        paths = [os.path.join(REPO, "notebooks", name) for name in COMPARED]
        run = subprocess.run(runner_command(*paths, "--out", out), env=environment(),
                             capture_output=True, text=True, timeout=1200)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn("notebooks: 3 passed, 0 failed, 0 skipped", run.stdout)
        self.assertRegex(run.stdout, r"\[1/\d+\] ok ", "a progress line per cell")
        saved = dict(os.environ)
        os.environ.update(environment())
        try:
            for name, path in zip(COMPARED, paths):
                with self.subTest(notebook=name):
                    ours = nbformat.read(os.path.join(out, name), as_version=4)
                    nbformat.validate(ours)
                    theirs = nbformat.read(path, as_version=4)
                    NotebookClient(theirs, kernel_name="alexlab", timeout=600, allow_errors=False,
                                   resources={"metadata": {"path": os.path.dirname(path)}}).execute()
                    self.assertEqual(len(ours.cells), len(theirs.cells))
                    for index, (a, b) in enumerate(zip(ours.cells, theirs.cells)):
                        if a.cell_type == "code":
                            self.assertEqual(shape(a), shape(b), f"{name} cell {index}: {a.source[:80]!r}")
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def test_a_cell_past_the_timeout_is_named_and_fails_the_run(self):
        path = os.path.join(self.folder, "sleepy.ipynb")
        nbformat.write(notebook(['System.out.println("first");', "Thread.sleep(120_000);", "int never = 1;"]), path)
        started = time.monotonic()
        run = subprocess.run(runner_command(path, "--timeout", "3", "--out", self.folder), env=environment(),
                             capture_output=True, text=True, timeout=300)
        self.assertLess(time.monotonic() - started, 100, "the sleeping cell was not cut short")
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
        self.assertIn("cell 1 (code cell 2 of 3) ran past the timeout of 3 s", run.stdout)
        self.assertIn("notebooks: 0 passed, 1 failed, 0 skipped", run.stdout)
        executed = nbformat.read(os.path.join(self.folder, "sleepy.ipynb"), as_version=4)
        nbformat.validate(executed)
        self.assertEqual(executed.cells[0].outputs[0]["text"], "first\n")
        self.assertEqual(executed.cells[2].outputs, [], "no cell runs after the one that timed out")

    def test_ctrl_c_interrupts_the_running_cell(self):
        path = os.path.join(self.folder, "long.ipynb")
        nbformat.write(notebook(["Thread.sleep(120_000);", "int never = 1;"]), path)
        # As in a terminal: a test run in the background (CI) inherits SIGINT ignored, and so would the runner.
        runner = subprocess.Popen(runner_command(path, "--out", self.folder), env=environment(),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            seen = ""
            while "code cells" not in seen:  # the runner has started and announced the notebook
                seen += runner.stdout.readline()
            time.sleep(15)  # the kernel starts and the cell is running
            runner.send_signal(signal.SIGINT)
            rest, _ = runner.communicate(timeout=120)
        finally:
            runner.kill()
        self.assertEqual(runner.returncode, 130, seen + rest)
        self.assertIn("cell 0 (code cell 1 of 2) was interrupted (Ctrl-C)", rest)


if __name__ == "__main__":
    unittest.main()
