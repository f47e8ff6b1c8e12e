#!/usr/bin/env python3
"""Execute notebooks headless through the AlexLab kernel, the way a student's Jupyter would.

    run_notebooks.py [--out DIR] [--kernel NAME] NOTEBOOK...

Each notebook runs top to bottom in a fresh kernel started in the notebook's own folder (as
Jupyter does). Its executed copy is written to DIR/<name>.ipynb, also when it failed, so the
outputs can be inspected. A cell may raise only when it is tagged ``raises-exception`` (a lesson
that shows what an error looks like); any other error fails the notebook.

Prints one line per notebook ("ok  notebooks/00-welcome.ipynb (12.3 s)"), the failing cell and its
error in plain text, and at the end "notebooks: N passed, N failed, 0 skipped".
Exits 1 if any notebook failed.

Environment: ALEXLAB_CELL_TIMEOUT, seconds a single cell may run (default 600).
"""

import argparse
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

DEFAULT_KERNEL = "alexlab"
ALLOWED_TAG = "raises-exception"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text):
    """Tracebacks may be coloured for a browser; a log wants plain text."""
    return ANSI_ESCAPE.sub("", text)


def indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.splitlines())


def kernel_for(nb, forced):
    """The notebook's own kernel when it names one of ours (e.g. alexlab-jdk25), else alexlab."""
    if forced:
        return forced
    name = nb.metadata.get("kernelspec", {}).get("name", "")
    return name if name.startswith(DEFAULT_KERNEL) else DEFAULT_KERNEL


def may_raise(cell):
    return ALLOWED_TAG in cell.metadata.get("tags", [])


def error_outputs(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def describe_error(index, cell, ename, evalue, traceback):
    """The failing cell's index, its source and the error, ready to print."""
    lines = [f"    cell {index}:", indent(cell.source, "      | ")]
    lines.append(f"    {ename}: {evalue}" if evalue else f"    {ename}")
    if traceback:
        lines.append(indent(plain(traceback), "      "))
    return "\n".join(lines)


def stray_errors(nb):
    """Errors recorded in cells that were not allowed to raise.

    nbclient already stops at such a cell; this second look also catches an error output that
    a kernel published without marking its reply as an error.
    """
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or may_raise(cell):
            continue
        for out in error_outputs(cell):
            found.append(describe_error(index, cell, out.get("ename", "<Error>"), out.get("evalue", ""),
                                        "\n".join(out.get("traceback", []))))
    return found


def run_one(path, out_dir, forced_kernel, timeout):
    """Execute one notebook; return None on success or a text explaining the failure."""
    nb = nbformat.read(path, as_version=4)
    current = {"index": None}

    def on_cell_start(cell, cell_index):
        current["index"] = cell_index

    client = NotebookClient(
        nb,
        kernel_name=kernel_for(nb, forced_kernel),
        timeout=timeout,
        allow_errors=False,   # only cells tagged raises-exception may raise (nbclient honours the tag)
        record_timing=False,  # keeps executed copies comparable between runs
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
        on_cell_start=on_cell_start,
    )
    failure = None
    try:
        client.execute()
    except CellExecutionError as e:
        index = current["index"]
        cell = nb.cells[index]
        recorded = error_outputs(cell)
        if recorded:  # the kernel's own error output is the most complete account
            out = recorded[-1]
            failure = describe_error(index, cell, out.get("ename", e.ename), out.get("evalue", e.evalue),
                                     "\n".join(out.get("traceback", [])))
        else:
            failure = describe_error(index, cell, e.ename, e.evalue, "")
    except Exception as e:  # a timeout, a dead kernel, a kernel that did not start
        index = current["index"]
        where = describe_error(index, nb.cells[index], type(e).__name__, "", "") if index is not None else ""
        failure = (where + "\n" if where else "") + indent(plain(str(e)).strip() or type(e).__name__)
    else:
        strays = stray_errors(nb)
        if strays:
            failure = "\n".join(strays)

    os.makedirs(out_dir, exist_ok=True)
    name = os.path.splitext(os.path.basename(path))[0]
    nbformat.write(nb, os.path.join(out_dir, name + ".ipynb"))
    return failure


def main(argv=None):
    parser = argparse.ArgumentParser(description="Execute notebooks through the AlexLab kernel.")
    parser.add_argument("--out", default=os.path.join("build", "executed"),
                        help="folder for the executed copies (default: build/executed)")
    parser.add_argument("--kernel", default=None,
                        help="kernel to use for every notebook (default: the notebook's alexlab* kernel, else alexlab)")
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    args = parser.parse_args(argv)
    timeout = int(os.environ.get("ALEXLAB_CELL_TIMEOUT", "600"))

    passed = failed = 0
    for path in args.notebooks:
        start = time.monotonic()
        try:
            failure = run_one(path, args.out, args.kernel, timeout)
        except Exception as e:  # unreadable notebook, unwritable output folder
            failure = indent(f"{type(e).__name__}: {e}")
        seconds = time.monotonic() - start
        if failure is None:
            passed += 1
            print(f"ok  {path} ({seconds:.1f} s)", flush=True)
        else:
            failed += 1
            print(f"FAIL {path} ({seconds:.1f} s)\n{failure}", flush=True)
    print(f"notebooks: {passed} passed, {failed} failed, 0 skipped", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
