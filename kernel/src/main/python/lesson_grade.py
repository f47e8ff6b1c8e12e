"""Grades a folder of student notebooks for one lesson; one bad submission never stops the batch.

Rebuild, never trust: the notebook that runs is the teacher's source with each solution cell
replaced by the student's cell of the same id (a cell the student deleted keeps its stub, and is
flagged). The test cells, hidden ones included, are the source's, whatever the student's copy
holds. Each submission runs in a fresh kernel under the course's secret, each cell with its time
limit; only the records of the test cells count.

Writes to OUT: grades.csv and grades.json (one row per student), feedback/<student>.md (each
test's points; the messages of visible tests; hidden tests by name only), and
results/<student>.json in Gradescope's format.
"""
import copy
import csv
import json
import os

import nbformat

import lesson_release as lr
import lesson_run as run


def rebuild(source_nb, submission_nb):
    """(the notebook to run, [flags]): the source with the student's answers put in."""
    theirs = {cell.get("id"): cell for cell in submission_nb.cells}
    nb, flags = copy.deepcopy(source_nb), []
    for cell in nb.cells:
        if lr.kind(cell) != "solution":
            continue
        student = theirs.get(cell.get("id"))
        if student is None or student.cell_type != "code":
            flags.append(f"cell-missing:{cell.get('id')}")
            cell.source = lr.stub_solution(cell.source, lr.info(cell)["question"])
        else:
            cell.source = student.source
    return nb, flags


def grade_one(source_nb, path, secret, kernel, timeout_scale):
    """One student's row: {student, points, max, tests: {id: {...}}, flags}. Never raises."""
    student = os.path.splitext(os.path.basename(path))[0]
    tests = run.test_cells(source_nb)
    row = {"student": student, "points": 0.0, "max": sum(points for _, points in tests.values()),
           "tests": {}, "flags": []}
    try:
        submission = nbformat.read(path, as_version=4)
    except Exception as e:  # a corrupt or foreign file is a row, not a crash
        row["flags"].append(f"unreadable: {type(e).__name__}: {str(e)[:200]}")
        return row
    wanted = source_nb.metadata.get("alexlab", {}).get("lesson", {}).get("id")
    got = submission.metadata.get("alexlab", {}).get("lesson", {}).get("id")
    if got != wanted:
        row["flags"].append(f"lesson-mismatch: {got!r} instead of {wanted!r}")
    nb, flags = rebuild(source_nb, submission)
    row["flags"] += flags
    executed, found, seconds = run.execute(nb, secret=secret, kernel=kernel,
                                           cwd=os.path.dirname(os.path.abspath(path)), timeout_scale=timeout_scale)
    error = executed.metadata.get("alexlab", {}).get("run_error")
    if error:
        row["flags"].append("run-stopped: " + error.splitlines()[0][:200])
    row["seconds"] = round(seconds, 1)
    for ident, (points, maximum, status, why) in run.score(tests, found).items():
        row["tests"][ident] = {"points": points, "max": maximum, "status": status, "why": why}
        row["points"] += points
    return row


def hidden_ids(source_nb):
    return {lr.test_id(cell)[1] for cell in source_nb.cells
            if lr.kind(cell) == "test" and lr.info(cell).get("hidden")}


def feedback(row, hidden):
    lines = [f"# {row['student']}: {row['points']:g} of {row['max']:g} points", ""]
    for flag in row["flags"]:
        lines.append(f"- note: {flag}")
    lines += ["", "| test | status | points |", "|---|---|---|"]
    for ident, t in sorted(row["tests"].items()):
        lines.append(f"| {ident}{' (hidden)' if ident in hidden else ''} | {t['status']} | {t['points']:g} / {t['max']:g} |")
    lines.append("")
    for ident, t in sorted(row["tests"].items()):
        if t["status"] != "passed" and ident not in hidden and t["why"]:
            lines.append(f"- {ident}: {t['why']}")
    return "\n".join(lines) + "\n"


def gradescope(row, hidden):
    return {"score": row["points"], "tests": [
        {"name": ident, "score": t["points"], "max_score": t["max"], "status": t["status"],
         "output": "" if ident in hidden else t["why"], "visibility": "visible"}
        for ident, t in sorted(row["tests"].items())]}


def grade(source_path, submissions, out, secret="public", kernel="alexlab", timeout_scale=1.0, say=print):
    source = nbformat.read(source_path, as_version=4)
    hidden = hidden_ids(source)
    rows = []
    for name in sorted(os.listdir(submissions)):
        if not name.endswith(".ipynb"):
            continue
        row = grade_one(source, os.path.join(submissions, name), secret, kernel, timeout_scale)
        say(f"{row['student']}: {row['points']:g} / {row['max']:g}" + (f"  [{'; '.join(row['flags'])}]" if row["flags"] else ""))
        rows.append(row)
    os.makedirs(os.path.join(out, "feedback"), exist_ok=True)
    os.makedirs(os.path.join(out, "results"), exist_ok=True)
    with open(os.path.join(out, "grades.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=1)
    ids = sorted(run.test_cells(source))
    with open(os.path.join(out, "grades.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "points", "max", *ids, "flags"])
        for row in rows:
            writer.writerow([row["student"], f"{row['points']:g}", f"{row['max']:g}",
                             *[f"{row['tests'].get(i, {}).get('points', 0):g}" for i in ids], "; ".join(row["flags"])])
    for row in rows:
        with open(os.path.join(out, "feedback", row["student"] + ".md"), "w", encoding="utf-8") as f:
            f.write(feedback(row, hidden))
        with open(os.path.join(out, "results", row["student"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(gradescope(row, hidden), f, indent=1)
    return rows
