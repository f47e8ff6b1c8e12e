"""The long memory checks, too slow for the normal suite (test_memory.py is their quick part).

    /usr/bin/python3 kernel/src/test/python/reliability/soak.py [CELLS]   (CELLS 0: the notebook only)

with JUPYTER_PATH and ALEXLAB_TEST_KERNELS as for the protocol tests. For each kernel under test:

1. a soak: CELLS (default 2000) mixed cells after 200 of warm-up; prints the kernel's resident
   memory at the start and the end, its growth in MiB per 1000 cells (a line fitted through
   samples) and the median `1+1` round trip at the start and the end;
2. notebook 03 (LeNet-5) Run All at the test budget, as ./install.sh test runs it (ALEXLAB_EPOCHS=1,
   ALEXLAB_DATASET_LIMIT=2000, the bundled data unless ALEXLAB_DATA says otherwise); prints the
   resident memory after its last cell and the most seen while it ran.

Exits 1 when a figure is over its limit: 20 MiB per 1000 cells, `1+1` at the end at most twice
as slow as at the start (plus 20 ms), notebook 03 at most 1.0 GB after Run All.
"""
import os
import sys
import threading
import time

import nbformat
from nbclient import NotebookClient

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))
import harness  # noqa: E402
from test_memory import GROWTH_PER_1000_CELLS_MIB, pid_resident_mib, resident_mib, soak  # noqa: E402

REPO = os.path.abspath(os.path.join(here, *[os.pardir] * 5))
NOTEBOOK = os.path.join(REPO, "notebooks", "03-lenet5.ipynb")
NOTEBOOK_LIMIT_MIB = 1024


def run_notebook(kernel_name):
    """Runs notebook 03 on the kernel; returns (MiB after Run All, the most MiB seen while it ran)."""
    os.environ.setdefault("ALEXLAB_EPOCHS", "1")
    os.environ.setdefault("ALEXLAB_DATASET_LIMIT", "2000")
    os.environ.setdefault("ALEXLAB_DATA", os.path.join(REPO, "datasets", "fashion-mnist-small"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel_name, timeout=1200, allow_errors=False,
                            resources={"metadata": {"path": os.path.dirname(NOTEBOOK)}})
    peak = [0]
    done = threading.Event()

    def watch():
        while not done.wait(0.5):
            try:
                peak[0] = max(peak[0], pid_resident_mib(client.km.provisioner.process.pid))
            except (AttributeError, OSError, AssertionError):
                pass  # not started yet, or already gone

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        time.sleep(3)  # the kernel collects its garbage once idle, as between a student's cells
        after = pid_resident_mib(client.km.provisioner.process.pid)
    done.set()
    return after, max(peak[0], after)


def main():
    cells = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    failed = False
    for name in harness.kernel_names():
        if cells > 0:
            with harness.Kernel(name) as k:
                k.value("1 + 1")
                time.sleep(3)
                print(f"{name}: {resident_mib(k)} MiB after 1+1", flush=True)
                growth, start_ms, end_ms, start_mib, end_mib = soak(
                    k, cells=cells, warm_up=200, report=lambda line: print(line, flush=True))
            print(f"{name}: {cells} mixed cells: {start_mib} MiB at the start, {end_mib} MiB at the end, "
                  f"{growth:.1f} MiB per 1000 cells; 1+1 took {start_ms:.0f} ms at the start, {end_ms:.0f} ms at the end",
                  flush=True)
            failed |= growth > GROWTH_PER_1000_CELLS_MIB or end_ms > 2 * start_ms + 20
        after, peak = run_notebook(name)
        print(f"{name}: notebook 03 Run All: {after} MiB after, at most {peak} MiB while it ran", flush=True)
        failed |= after > NOTEBOOK_LIMIT_MIB
    print("soak: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
