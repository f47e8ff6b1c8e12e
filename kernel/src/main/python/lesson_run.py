"""Runs a lesson notebook in a fresh AlexLab kernel and collects what its %%test cells recorded.

The kernel's %%test magic publishes one record per test cell, in its result, of type
application/vnd.alexlab.test+json: {"test", "status", "points", "max", "checks", "seconds"}. Only
these records count; what the student's cells print to stderr is ignored.

A run survives its notebook. A cell that runs past its time limit, or that ends the kernel
(System.exit, Runtime.halt, a crash), is an incident: the kernel is killed, a fresh one replays the
cells before it that are not tests (an answer cell that caused an incident is replayed as its stub,
so the rest still compiles), and the run goes on after it. A test cell that caused an incident
leaves no record and scores 0, with the incident as the reason. Each cell's printed output is
capped, so a flood of text costs the grader nothing but the time to read it.
"""
import copy
import os
import subprocess
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

import lesson_release as lr

RECORD = "application/vnd.alexlab.test+json"
DEFAULT_TIMEOUT_S = 120
OUTPUT_CAP_BYTES = 64 * 1024  # per cell: text and displays past this are dropped, the records never
MOST_INCIDENTS = 6  # then the run stops: what is left of the notebook scores 0
KERNEL_START_TRIES = 3  # two kernels starting at once may pick the same free port


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


class CappedClient(NotebookClient):
    """nbclient's executor with each cell's output capped at OUTPUT_CAP_BYTES (test records exempt)."""

    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.output_bytes = {}

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if RECORD not in content.get("data", {}):
            size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
            used = self.output_bytes.get(cell_index, 0)
            self.output_bytes[cell_index] = used + size
            if used + size > OUTPUT_CAP_BYTES:
                if used <= OUTPUT_CAP_BYTES:
                    outs.append(nbformat.v4.new_output("stream", name="stderr", text=(
                        f"\n[the grader kept the first {OUTPUT_CAP_BYTES // 1024} KiB of this cell's output]\n")))
                return None
        return super().output(outs, msg, display_id, cell_index)


class Incident:
    """A cell that ran past its limit ("timeout") or ended the kernel ("died")."""

    def __init__(self, index, cell, what, seconds):
        self.index, self.what, self.seconds = index, what, seconds
        self.kind, self.question, self.test = lr.kind(cell), lr.info(cell).get("question"), None
        if self.kind == "test":
            self.question, self.test, _ = lr.test_id(cell)

    def why(self):
        where = "this test" if self.kind == "test" else f"the {self.kind} cell {self.index}"
        if self.what == "timeout":
            return f"{where} ran past its time limit ({self.seconds:.0f} s) and was stopped"
        return f"{where} ended the kernel (System.exit, a halt or a crash)"

    def as_dict(self):
        return {"cell": self.index, "kind": self.kind, "question": self.question, "test": self.test,
                "what": self.what, "why": self.why()}


def cell_limit(cell, time_limit):
    limit = lr.info(cell).get("timeout_s", DEFAULT_TIMEOUT_S)
    return min(limit, time_limit) if time_limit else limit


def execute(nb, secret="public", kernel="alexlab", cwd=None, time_limit=None, heap=None):
    """Runs every code cell of a copy of nb (errors do not stop it); returns
    (executed nb, {test id: record}, seconds, [Incident]).

    Each cell may run for its alexlab.timeout_s (else DEFAULT_TIMEOUT_S), and never longer than
    time_limit seconds when that is given. heap ("2g"): the kernel's Java heap
    limit (else the JVM's default, a quarter of the memory), so that kernels run side by side fit."""
    nb = nbformat.from_dict(copy.deepcopy(nb))
    start = time.monotonic()
    env = dict(os.environ, ALEXLAB_LESSON_SECRET=secret)  # the kernel's: Lesson.random's seed
    if heap:
        env["JAVA_TOOL_OPTIONS"] = (env.get("JAVA_TOOL_OPTIONS", "") + f" -Xmx{heap}").strip()
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and cell.source.strip()]
    incidents, position = [], 0
    while position < len(code) and len(incidents) < MOST_INCIDENTS:
        client = CappedClient(nb, kernel_name=kernel, allow_errors=True, interrupt_on_timeout=False,
                              shutdown_kernel="immediate", resources={"metadata": {"path": cwd or os.getcwd()}})
        try:
            with started(client, env):
                replay(client, nb, code[:position], incidents)
                while position < len(code):
                    index = code[position]
                    cell = nb.cells[index]
                    limit = cell_limit(cell, time_limit)
                    client.timeout_func = lambda _, limit=limit: limit
                    cell_start = time.monotonic()
                    try:
                        client.execute_cell(cell, index)
                    except (CellTimeoutError, DeadKernelError) as e:
                        what = "timeout" if isinstance(e, CellTimeoutError) else "died"
                        incidents.append(Incident(index, cell, what, time.monotonic() - cell_start))
                        position += 1
                        break  # the kernel is killed on leaving `started`; a fresh one goes on
                    position += 1
        except KernelStartError as e:
            nb.metadata.setdefault("alexlab", {})["run_error"] = str(e)
            break
    if len(incidents) == MOST_INCIDENTS and position < len(code):
        nb.metadata.setdefault("alexlab", {})["run_error"] = f"stopped after {len(incidents)} incidents"
    nb.metadata.setdefault("alexlab", {})["incidents"] = [i.as_dict() for i in incidents]
    return nb, records(nb), time.monotonic() - start, incidents


class KernelStartError(RuntimeError):
    pass


class started:
    """A fresh kernel for the client, started again if starting fails; killed on leaving."""

    def __init__(self, client, env):
        self.client, self.env = client, env

    def __enter__(self):
        for attempt in range(KERNEL_START_TRIES):
            try:
                self.client.km = self.client.create_kernel_manager()
                self.client.start_new_kernel(env=self.env, stderr=subprocess.DEVNULL)
                self.client.start_new_kernel_client()
                return self.client
            except Exception as e:  # a port taken between choosing and binding, a slow start
                self.cleanup()
                error = e
        raise KernelStartError(f"the kernel did not start ({type(error).__name__}: {str(error)[:200]})")

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def cleanup(self):
        try:
            self.client._cleanup_kernel()
        except Exception:
            pass


def replay(client, nb, indexes, incidents):
    """Runs again, in a fresh kernel, the cells before the current one that define things: not the
    tests (their records are kept), not a cell that caused an incident (an answer cell's stub instead)."""
    culprits = {incident.index for incident in incidents}
    for index in indexes:
        cell = nb.cells[index]
        if lr.kind(cell) == "test" or (index in culprits and lr.kind(cell) != "solution"):
            continue
        again = copy.deepcopy(cell)
        if index in culprits:
            again.source = lr.stub_solution(cell.source, lr.info(cell)["question"])
        client.timeout_func = lambda _: DEFAULT_TIMEOUT_S
        client.execute_cell(again, index)
        nb.cells[index] = cell  # execute_cell put the copy in its place; the first run's outputs stay


def score(expected, found, incidents=()):
    """{test id: (points, max, status, why)}: each expected test's record, or 0 points with the
    incident that stopped it ("timeout", "died") or "missing"; why is the record's note or its first
    failed check's message (empty when it passed). A question whose answer cell caused an incident
    says so in each of its tests' why."""
    by_test = {i.test: i for i in incidents if i.test}
    by_question = {i.question: i for i in incidents if i.kind == "solution"}
    out = {}
    for ident, (question, points) in expected.items():
        record = found.get(ident)
        if record is None:
            incident = by_test.get(ident) or by_question.get(question)
            out[ident] = (0.0, points, incident.what, incident.why()) if incident else \
                (0.0, points, "missing", "the test cell left no record (the run stopped before it)")
            continue
        failed = [c for c in record.get("checks", []) if not c.get("passed")]
        why = record.get("note") or (f"{failed[0].get('name')}: {failed[0].get('message')}" if failed else "")
        status = record.get("status", "?")
        if question in by_question:
            status, why = by_question[question].what, by_question[question].why() + "; the test ran its stub"
        out[ident] = (float(record.get("points", 0)), float(record.get("max", points)), status, why)
    return out
