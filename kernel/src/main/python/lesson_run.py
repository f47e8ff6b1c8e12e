"""Runs a lesson notebook in a fresh AlexLab kernel and collects what its %%test cells recorded.

The kernel's %%test magic publishes one record per test cell, in its result, of type
application/vnd.alexlab.test+json: {"test", "status", "points", "max", "checks", "seconds"}. Only
these records count; a test cell that left none (it timed out, or the kernel died) counts as
"missing" with 0 points, and what the student's cells print to stderr is ignored.
"""
import os
import subprocess
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

import lesson_release as lr

RECORD = "application/vnd.alexlab.test+json"
DEFAULT_TIMEOUT_S = 120


def test_cells(nb):
    """{test id: (question, points)} of every test cell."""
    out = {}
    for cell in nb.cells:
        if lr.kind(cell) == "test":
            question, ident, points = lr.test_id(cell)
            out[ident] = (question, points)
    return out


def records(nb):
    """{test id: record} from an executed notebook's outputs."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get(RECORD)
            if isinstance(record, dict) and "test" in record:
                found[record["test"]] = record
    return found


def execute(nb, secret="public", kernel="alexlab", cwd=None, timeout_scale=1.0):
    """Runs every cell of a copy of nb (errors do not stop it); returns (executed nb, {id: record}, seconds).

    A cell that runs past its time (alexlab.timeout_s, else DEFAULT_TIMEOUT_S, times timeout_scale)
    is interrupted; a kernel that dies ends the run, and the tests after it leave no record."""
    nb = nbformat.from_dict(nb)
    start = time.monotonic()
    client = NotebookClient(nb, kernel_name=kernel, allow_errors=True, interrupt_on_timeout=True,
                            timeout_func=lambda cell: timeout_scale * lr.info(cell).get("timeout_s", DEFAULT_TIMEOUT_S),
                            resources={"metadata": {"path": cwd or os.getcwd()}})
    env = dict(os.environ, ALEXLAB_LESSON_SECRET=secret)  # the kernel's: Lesson.random's seed
    try:  # the JVM's own warnings on stderr are dropped: the records say what counts
        client.execute(env=env, stderr=subprocess.DEVNULL)
    except (CellTimeoutError, DeadKernelError, RuntimeError) as e:  # the records so far still count
        nb.metadata.setdefault("alexlab", {})["run_error"] = f"{type(e).__name__}: {e}"
    return nb, records(nb), time.monotonic() - start


def score(expected, found):
    """{test id: (points, max, status, why)}: each expected test's record, or 'missing' with 0 points;
    why is the record's note or its first failed check's message (empty when it passed)."""
    out = {}
    for ident, (_, points) in expected.items():
        record = found.get(ident)
        if record is None:
            out[ident] = (0.0, points, "missing", "the test cell left no record (it timed out, or the kernel died)")
            continue
        failed = [c for c in record.get("checks", []) if not c.get("passed")]
        why = record.get("note") or (f"{failed[0].get('name')}: {failed[0].get('message')}" if failed else "")
        out[ident] = (float(record.get("points", 0)), float(record.get("max", points)), record.get("status", "?"), why)
    return out
