"""A teacher's lesson notebook and the student release made from it (no Jupyter needed here).

A lesson's source (lessons/source/L01-relu.ipynb) runs as it is: its solution cells hold the
answers, its test cells the visible and hidden tests. Each cell says what it is in its metadata:

    "alexlab": {"kind": "solution", "question": "relu",
                "mutants": [{"name": "passes negatives", "from": "Math.max(0, v)", "to": "v"}]}
    "alexlab": {"kind": "test", "hidden": true}        (a test cell; hidden: not in the release)

A test cell starts with the kernel's magic `%%test QUESTION/NAME points=N`; the part before the
slash is the question it tests. Inside cells, Java comments mark what the release changes:

    // BEGIN SOLUTION ... // END SOLUTION      becomes a stub that compiles and throws Todo
    T name = expression; // SOLUTION           becomes T name = Lesson.todo("question");
    // BEGIN HIDDEN TESTS ... // END HIDDEN TESTS   removed from a visible test cell
    // HINT: ...                               inside a solution region: kept in the stub

The release keeps every other cell as it is, clears outputs and execution counts, and keeps of
the metadata only what the student's Jupyter and the grader need.
"""
import copy
import hashlib
import json
import re

import nbformat

BEGIN_SOLUTION, END_SOLUTION = "// BEGIN SOLUTION", "// END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "// BEGIN HIDDEN TESTS", "// END HIDDEN TESTS"
SOLUTION_LINE = re.compile(r"^(\s*)(.*?\S)\s*=\s*(.+?);\s*// SOLUTION\s*$")
TEST_MAGIC = re.compile(r"^%%test\s+(\S+)(?:\s+points=(\d+(?:\.\d+)?))?\s*$")
LEAK_MIN_CHARS = 25  # a solution line this long in the release is a leak, not a shared idiom


class LessonError(ValueError):
    """A lesson source that cannot be released: says which cell and what is wrong."""


def info(cell):
    return cell.get("metadata", {}).get("alexlab", {})


def kind(cell):
    return info(cell).get("kind", "text" if cell.cell_type == "markdown" else "setup")


def test_id(cell):
    """(question, id, points) of a test cell, from its %%test line."""
    first = cell.source.split("\n", 1)[0]
    m = TEST_MAGIC.match(first)
    if not m:
        raise LessonError(f"test cell {cell.get('id')} must start with %%test QUESTION/NAME points=N, not {first!r}")
    ident = m.group(1)
    if "/" not in ident:
        raise LessonError(f"test id {ident!r} names no question: write QUESTION/NAME")
    return ident.split("/", 1)[0], ident, float(m.group(2) or 1)


def stub_solution(source, question):
    """The solution regions of a cell replaced by stubs that compile and throw Todo when run."""
    out, region, indent = [], None, ""
    lines = source.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if region is not None:
            if stripped.startswith(END_SOLUTION):
                out.extend(region)
                out.append(indent + "// YOUR CODE HERE")
                out.append(indent + throw_for(lines[i + 1:], question))
                region = None
            elif stripped.startswith("// HINT:"):
                region.append(line)
            continue
        if stripped.startswith(BEGIN_SOLUTION):
            region, indent = [], line[:len(line) - len(line.lstrip())]
            continue
        m = SOLUTION_LINE.match(line)
        if m:
            out.append(f'{m.group(1)}{m.group(2)} = Lesson.todo("{question}");')
            continue
        out.append(line)
    if region is not None:
        raise LessonError(f"{BEGIN_SOLUTION} without {END_SOLUTION} (question {question})")
    return "\n".join(out)


def throw_for(rest, question):
    """A bare throw where the region ends a block (`}` follows: a method that returns a value still
    compiles); `if (true) throw` where code follows (a bare one would make it unreachable)."""
    following = next((line.strip() for line in rest if line.strip()), "}")
    throw = f'throw new Todo("{question}");'
    return throw if following.startswith("}") else "if (true) " + throw


def without_hidden_regions(source):
    return "\n".join(split_regions(source, BEGIN_HIDDEN, END_HIDDEN)[0])


def source_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def release(source_nb, sha256):
    """The student notebook made from a source notebook (a new notebook; the source is unchanged)."""
    nb = copy.deepcopy(source_nb)
    lesson = nb.metadata.get("alexlab", {}).get("lesson", {})
    nb.metadata = {key: nb.metadata[key] for key in ("kernelspec", "language_info") if key in nb.metadata}
    nb.metadata["alexlab"] = {"lesson": {"id": lesson.get("id"), "version": lesson.get("version", 1),
                                         "source_sha256": sha256}}
    cells = []
    for cell in nb.cells:
        k = kind(cell)
        if k == "test" and info(cell).get("hidden"):
            continue
        if k == "solution":
            cell.source = stub_solution(cell.source, info(cell)["question"])
        elif k == "test":
            cell.source = without_hidden_regions(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.pop("attachments", None)
        cell.metadata = {"alexlab": {key: value for key, value in info(cell).items() if key in ("kind", "question", "forbid")}}
        if k in ("test", "setup"):  # the student's copy may be edited, but grading restores these
            cell.metadata["editable"] = k == "setup"
            cell.metadata["deletable"] = False
        cells.append(cell)
    nb.cells = cells
    return nb


def dumps(nb):
    """A notebook as text, the same way every time, so a fresh release compares byte for byte."""
    return json.dumps(nbformat.from_dict(nb), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def lint(source_nb):
    """What is wrong with a lesson's source, as a list of sentences (empty when it is sound)."""
    problems, ids, questions = [], set(), {}
    if not source_nb.metadata.get("alexlab", {}).get("lesson", {}).get("id"):
        problems.append('the notebook metadata has no alexlab.lesson.id')
    for index, cell in enumerate(source_nb.cells):
        k = kind(cell)
        where = f"cell {index}"
        text = cell.source
        for begin, end in ((BEGIN_SOLUTION, END_SOLUTION), (BEGIN_HIDDEN, END_HIDDEN)):
            depth = 0
            for line in text.split("\n"):
                depth += line.strip().startswith(begin)
                depth -= line.strip().startswith(end)
                if depth not in (0, 1):
                    problems.append(f"{where}: {begin} and {end} are not paired")
                    break
            if depth:
                problems.append(f"{where}: {begin} without {end}")
        if k == "solution":
            question = info(cell).get("question")
            if not question:
                problems.append(f"{where}: a solution cell names no question")
                continue
            if BEGIN_SOLUTION not in text and not any(SOLUTION_LINE.match(l) for l in text.split("\n")):
                problems.append(f"{where}: a solution cell without a {BEGIN_SOLUTION} region or a // SOLUTION line")
            questions.setdefault(question, {"visible": 0, "hidden": 0, "solution": 0})["solution"] += 1
            for name in info(cell).get("forbid", []):
                if any(re.search(rf"\b{re.escape(name)}\b", line) for line in solution_lines(text)):
                    problems.append(f"{where}: the answer uses {name}, which the cell forbids")
            for mutant in info(cell).get("mutants", []):
                if mutant.get("from") not in text:
                    problems.append(f"{where}: mutant {mutant.get('name')!r}: {mutant.get('from')!r} is not in the cell")
        elif k == "test":
            try:
                question, ident, _ = test_id(cell)
            except LessonError as e:
                problems.append(f"{where}: {e}")
                continue
            if ident in ids:
                problems.append(f"{where}: test id {ident} is used twice")
            ids.add(ident)
            entry = questions.setdefault(question, {"visible": 0, "hidden": 0, "solution": 0})
            hidden_cell = bool(info(cell).get("hidden"))
            entry["visible"] += not hidden_cell
            entry["hidden"] += hidden_cell or BEGIN_HIDDEN in text  # a visible cell may hold a hidden part
    for question, counts in sorted(questions.items()):
        for what in ("solution", "visible", "hidden"):
            if not counts[what]:
                problems.append(f"question {question} has no {what} " + ("cell" if what == "solution" else "test"))
    return problems


def leaks(source_nb, release_nb):
    """What of the answers or the hidden tests the release gives away (empty when nothing)."""
    text = dumps(release_nb)
    problems = []
    # Lines the source shows anyway (a visible test's set-up that a hidden test repeats) give nothing away.
    shown = set()
    for cell in source_nb.cells:
        if not (kind(cell) == "test" and info(cell).get("hidden")):
            outside = split_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION)[0]
            shown.update(line.strip() for line in split_regions("\n".join(outside), BEGIN_HIDDEN, END_HIDDEN)[0]
                         if not SOLUTION_LINE.match(line))
    for index, cell in enumerate(source_nb.cells):
        k = kind(cell)
        secret_lines = []
        if k == "solution":
            secret_lines = solution_lines(cell.source)
        elif k == "test" and info(cell).get("hidden"):
            secret_lines = [l.strip() for l in cell.source.split("\n")[1:]]
        elif k == "test":
            secret_lines = hidden_lines(cell.source)
        for line in secret_lines:
            if len(line) >= LEAK_MIN_CHARS and line not in shown and json.dumps(line)[1:-1] in text:
                problems.append(f"cell {index}: the release contains {line!r}")
    for cell in release_nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            problems.append(f"release cell {cell.get('id')} has outputs")
    return problems


def split_regions(source, begin, end):
    """(the lines outside begin ... end markers, the stripped lines inside); the markers are in neither."""
    outside, inside, within = [], [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped.startswith(begin):
            within = True
        elif stripped.startswith(end):
            within = False
        else:
            (inside.append(stripped) if within else outside.append(line))
    return outside, inside


def region_lines(source, begin, end):
    """The stripped lines inside begin ... end (HINT lines excluded: the stub keeps them)."""
    return [line for line in split_regions(source, begin, end)[1] if not line.startswith("// HINT:")]


def solution_lines(source):
    return region_lines(source, BEGIN_SOLUTION, END_SOLUTION) + \
        [line.strip() for line in source.split("\n") if SOLUTION_LINE.match(line)]


def hidden_lines(source):
    return region_lines(source, BEGIN_HIDDEN, END_HIDDEN)
