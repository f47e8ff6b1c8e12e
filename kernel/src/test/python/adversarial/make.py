"""Writes the adversarial submissions for lesson L02 (a convolution with loops) and their expected
gradebook rows: ./make.py [OUT] (default: the L02-conv-loops folder next to this file).

Each submission is the student release with its answer cells edited the way a student (or an
attacker) might: test_lesson_grade.py grades the folder and compares every row with expected.json.
"""
import copy
import json
import os
import sys

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", ".."))
LESSON = "L02-conv-loops"
SIZE, FORWARD = "conv-output-size", "conv-forward"
TESTS = {SIZE: ["conv-output-size/alexnet", "conv-output-size/against-library"],
         FORWARD: ["conv-forward/small", "conv-forward/random"]}
HEADER = "INDArray convForward(INDArray x, INDArray w, INDArray b, int stride, int pad) {"

HALT = HEADER + """
    try {  // Runtime.halt, found by name so that no check on the source sees it
        Object runtime = Class.forName("java.lang.Runtime").getMethod("getRuntime").invoke(null);
        runtime.getClass().getMethod("halt", int.class).invoke(runtime, 3);
    } catch (ReflectiveOperationException e) {
        throw new RuntimeException(e);
    }"""
KILL = HEADER + """
    try {  // the kernel's process killed from outside, as the system's out-of-memory killer would
        new ProcessBuilder("kill", "-9", "" + ProcessHandle.current().pid()).start().waitFor();
    } catch (Exception e) {
        throw new RuntimeException(e);
    }"""
SPIN = HEADER + """
    while (true) {
        if (x == null)
            break;
    }"""
HOG = HEADER + """
    java.util.List<long[]> hog = new java.util.ArrayList<>();
    while (hog.size() >= 0)
        hog.add(new long[1 << 24]);"""
THREAD = """
Thread spinner = new Thread(() -> {
    long n = 0;
    while (true)
        if (++n % 500_000_000L == 0)
            System.out.println("still running " + n);
});
spinner.start();"""
SHADOW = """
class Check {  // a no-op stand-in for the check library
    static void equal(Object a, Object b) {}
    static void close(Object a, Object b, double t) {}
    static void shape(Object a, long... s) {}
}"""


def statuses(size, forward):
    return {**{t: size for t in TESTS[SIZE]}, **{t: forward for t in TESTS[FORWARD]}}


def main(out):
    source = nbformat.read(os.path.join(REPO, "lessons", "source", LESSON + ".ipynb"), as_version=4)
    release = nbformat.read(os.path.join(REPO, "lessons", LESSON + ".ipynb"), as_version=4)
    answers = {cell.get("id"): cell.source for cell in source.cells
               if cell.get("metadata", {}).get("alexlab", {}).get("kind") == "solution"}
    ids = {cell.metadata["alexlab"]["question"]: cell.get("id") for cell in source.cells
           if cell.get("metadata", {}).get("alexlab", {}).get("kind") == "solution"}
    test_ids = {cell.source.split()[1]: cell.get("id") for cell in release.cells
                if cell.get("metadata", {}).get("alexlab", {}).get("kind") == "test"}
    size, forward = answers[ids[SIZE]], answers[ids[FORWARD]]
    solution_region = forward[forward.index("    // BEGIN SOLUTION"):forward.index("    // END SOLUTION")]

    def submission(size_source=None, forward_source=None, drop=()):
        nb = copy.deepcopy(release)
        for cell in nb.cells:
            question = cell.get("metadata", {}).get("alexlab", {}).get("question")
            if cell.get("metadata", {}).get("alexlab", {}).get("kind") == "solution":
                cell.source = {SIZE: size_source, FORWARD: forward_source}[question] or cell.source
        nb.cells = [cell for cell in nb.cells if cell.get("id") not in drop]
        return nb

    cases = {  # name: (notebook, points, statuses, flag kinds)
        "correct": (submission(size, forward), 10, statuses("passed", "passed"), []),
        "blank-release": (submission(), 0, statuses("todo", "todo"), []),
        "wrong-padding": (submission(size.replace("(in + 2 * pad - kernel)", "(in - kernel)"), forward),
                          7.5, statuses("failed", "passed"), []),
        # The kernel refuses exit and halt (its ExitGuard): the answer still counts, the halting one errs.
        "system-exit": (submission(size, forward + "\nSystem.exit(0);"), 10, statuses("passed", "passed"), []),
        "reflective-halt": (submission(size, forward.replace(HEADER, HALT)), 4, statuses("passed", "error"), []),
        "killed-kernel": (submission(size, forward.replace(HEADER, KILL)), 4, statuses("passed", "died"), []),
        "infinite-loop": (submission(size, forward.replace(HEADER, SPIN)), 4, statuses("passed", "timeout"), []),
        "leaked-thread": (submission(size + "\n" + THREAD, forward), 10, statuses("passed", "passed"), []),
        "redefined-check": (submission(size + "\n" + SHADOW, forward), 0, statuses("shadowed", "shadowed"), []),
        "forbidden-call": (submission(size, forward.replace(
            solution_region, "    y.assign(NaiveConvolution.forward(x, w, b, stride, pad, 1));\n")),
            4, statuses("passed", "forbidden"), ["forbidden"]),
        "print-100MB": (submission(size + '\nSystem.out.print("x".repeat(100_000_000));', forward),
                        10, statuses("passed", "passed"), []),
        "heap-exhaustion": (submission(size, forward.replace(HEADER, HOG)), 4, statuses("passed", "error"), []),
        "deleted-test-cells": (submission(size, forward, drop=set(test_ids.values())), 10,
                               statuses("passed", "passed"), ["test-cell-deleted", "test-cell-deleted"]),
        "deleted-answer-cell": (submission(size, forward, drop={ids[FORWARD]}), 4, statuses("passed", "todo"),
                                ["cell-missing"]),
    }
    os.makedirs(out, exist_ok=True)
    expected = {}
    for name, (nb, points, tests, flags) in cases.items():
        with open(os.path.join(out, name + ".ipynb"), "w", encoding="utf-8") as f:
            f.write(nbformat.writes(nb) + "\n")
        expected[name] = {"points": points, "tests": tests, "flags": flags}
    with open(os.path.join(out, "corrupt.ipynb"), "w", encoding="utf-8") as f:
        f.write('{"cells": [{"cell_type": "code", "source": "int outputSize(')  # cut off mid-upload
    expected["corrupt"] = {"points": 0, "tests": statuses("unreadable", "unreadable"), "flags": ["unreadable"]}
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, LESSON))
