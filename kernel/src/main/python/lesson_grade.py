"""Grades a folder of student notebooks for one lesson; one bad submission never stops the batch.

Rebuild, never trust: the notebook that runs is the teacher's source with each solution cell
replaced by the student's cell of the same id (a cell the student deleted keeps its stub, and is
flagged). The test cells, hidden ones included, are the source's, whatever the student's copy
holds. Each submission runs in a fresh kernel under the course's secret, each cell with its time
limit (lesson_run: a cell that hangs or ends the kernel is stopped, and the rest still runs);
only the records of the test cells count.

A solution cell may list names its question forbids ("forbid": ["Conv2d", ...] in its alexlab
metadata, for a question that asks for loops): a student line that uses one, other than the lines
the release gave, zeroes that question's tests.

Writes to OUT: grades.csv and grades.json (one row per student), feedback/<student>.md and .html
(each test's points; the messages of visible tests; hidden tests by name only, never their code),
and results/<student>.json in Gradescope's format.
"""
import copy
import csv
import html
import json
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor

import nbformat

import lesson_release as lr
import lesson_run as run

COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def rebuild(source_nb, submission_nb):
    """(the notebook to run, [flags]): the source with the student's answers put in."""
    theirs = {cell.get("id"): cell for cell in submission_nb.cells}
    nb, flags = copy.deepcopy(source_nb), []
    for cell in nb.cells:
        k, student = lr.kind(cell), theirs.get(cell.get("id"))
        if k == "test" and not lr.info(cell).get("hidden") and student is None:
            flags.append(f"test-cell-deleted:{lr.test_id(cell)[1]} (graded with the teacher's copy)")
        if k != "solution":
            continue
        if student is None or student.cell_type != "code":
            flags.append(f"cell-missing:{cell.get('id')} (question {lr.info(cell)['question']} graded as not done)")
            cell.source = lr.stub_solution(cell.source, lr.info(cell)["question"])
        else:
            cell.source = student.source
    return nb, flags


def forbidden_uses(source_nb, rebuilt_nb):
    """{question: [forbidden names the student's own lines use]}; the release's own lines are allowed."""
    def lines(text):
        return [line.strip() for line in COMMENTS.sub("", text).split("\n")]
    given = {cell.get("id"): set(lines(lr.stub_solution(cell.source, lr.info(cell)["question"])))
             for cell in source_nb.cells if lr.kind(cell) == "solution"}
    uses = {}
    for cell in rebuilt_nb.cells:
        names = lr.info(cell).get("forbid", [])
        if lr.kind(cell) != "solution" or not names:
            continue
        own = [line for line in lines(cell.source) if line not in given[cell.get("id")]]
        found = sorted({name for name in names for line in own if re.search(rf"\b{re.escape(name)}\b", line)})
        if found:
            uses.setdefault(lr.info(cell)["question"], []).extend(found)
    return uses


def zero_row(path, tests, status=None, why="", flag=None):
    """A row of 0 points for the submission at path: each test with this status (none: no tests), and a note."""
    return {"student": os.path.splitext(os.path.basename(path))[0], "points": 0.0,
            "max": sum(points for _, points in tests.values()),
            "tests": {ident: {"points": 0.0, "max": points, "status": status, "why": why}
                      for ident, (_, points) in tests.items()} if status else {},
            "flags": [flag] if flag else [], "incidents": [], "seconds": 0.0}


def grade_one(source_nb, path, secret, kernel, time_limit, heap=None):
    """One student's row: {student, points, max, tests: {id: {...}}, flags, incidents}. Never raises."""
    tests = run.test_cells(source_nb)
    try:
        submission = nbformat.read(path, as_version=4)
        wanted = source_nb.metadata.get("alexlab", {}).get("lesson", {}).get("id")
        got = submission.metadata.get("alexlab", {}).get("lesson", {}).get("id")
    except Exception as e:  # a corrupt or foreign file is a row, not a crash
        return zero_row(path, tests, "unreadable", "the file is not a notebook",
                        f"unreadable: {type(e).__name__}: {str(e)[:200]}")
    row = zero_row(path, tests)
    if got != wanted:
        row["flags"].append(f"lesson-mismatch: {got!r} instead of {wanted!r}")
    nb, flags = rebuild(source_nb, submission)
    row["flags"] += flags
    executed, found, seconds, incidents = run.execute(nb, secret=secret, kernel=kernel, time_limit=time_limit, heap=heap,
                                                      cwd=os.path.dirname(os.path.abspath(path)))
    error = executed.metadata.get("alexlab", {}).get("run_error")
    if error:
        row["flags"].append("run-stopped: " + error.splitlines()[0][:200])
    row["incidents"] = [i.as_dict() for i in incidents]
    row["seconds"] = round(seconds, 1)
    forbidden = forbidden_uses(source_nb, nb)
    for question, names in sorted(forbidden.items()):
        row["flags"].append(f"forbidden:{question} uses {', '.join(names)}")
    for ident, (points, maximum, status, why) in run.score(tests, found, incidents).items():
        question = tests[ident][0]
        if question in forbidden:
            points, status = 0.0, "forbidden"
            why = f"this question asks for your own code, without {', '.join(forbidden[question])}"
        row["tests"][ident] = {"points": points, "max": maximum, "status": status, "why": why}
        row["points"] += points
    return row


def hidden_ids(source_nb):
    return {lr.test_id(cell)[1] for cell in source_nb.cells
            if lr.kind(cell) == "test" and lr.info(cell).get("hidden")}


def shown(ident, test, hidden):
    """What a student may read about a test: a hidden test's name and status, never its message."""
    if test["status"] == "passed" or not test["why"]:
        return ""
    if ident in hidden and test["status"] in ("failed", "error"):
        return "a hidden test: it tries inputs the visible tests do not; check your answer on other sizes"
    return test["why"]


def feedback(row, hidden):
    lines = [f"# {row['student']}: {row['points']:g} of {row['max']:g} points", ""]
    lines += [f"- note: {flag}" for flag in row["flags"]]
    lines += ["", "| test | status | points | why |", "|---|---|---|---|"]
    for ident, t in row["tests"].items():
        why = shown(ident, t, hidden).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {ident}{' (hidden)' if ident in hidden else ''} | {t['status']} | "
                     f"{t['points']:g} / {t['max']:g} | {why} |")
    return "\n".join(lines) + "\n"


def feedback_html(row, hidden, lesson):
    e = html.escape
    rows = "".join(
        f"<tr class='{e(t['status'])}'><td>{e(ident)}{' <i>(hidden)</i>' if ident in hidden else ''}</td>"
        f"<td>{e(t['status'])}</td><td>{t['points']:g} / {t['max']:g}</td><td>{e(shown(ident, t, hidden))}</td></tr>"
        for ident, t in row["tests"].items())
    notes = "".join(f"<li>{e(flag)}</li>" for flag in row["flags"])
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(lesson)}: {e(row['student'])}</title>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}tr.passed td:nth-child(2){color:#1a7f37}"
            "tr:not(.passed) td:nth-child(2){color:#b42318}</style></head><body>"
            f"<h1>{e(lesson)}: {e(row['student'])}</h1><p><b>{row['points']:g} of {row['max']:g} points</b></p>"
            + (f"<ul>{notes}</ul>" if notes else "") +
            f"<table><tr><th>test</th><th>status</th><th>points</th><th>why</th></tr>{rows}</table></body></html>\n")


def gradescope(row, hidden):
    return {"score": row["points"], "tests": [
        {"name": ident, "score": t["points"], "max_score": t["max"], "status": t["status"],
         "output": shown(ident, t, hidden), "visibility": "after_due_date" if ident in hidden else "visible"}
        for ident, t in row["tests"].items()]}


def grade(source_path, submissions, out, secret="public", kernel="alexlab", time_limit=None, heap=None, jobs=2,
          say=print):
    """Grades every .ipynb in `submissions` (jobs at a time, a fresh kernel each); writes OUT; returns the rows."""
    source = nbformat.read(source_path, as_version=4)
    lesson = source.metadata.get("alexlab", {}).get("lesson", {}).get("id", os.path.basename(source_path))
    hidden = hidden_ids(source)
    paths = [os.path.join(submissions, name) for name in sorted(os.listdir(submissions)) if name.endswith(".ipynb")]
    rows = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(grade_one, source, path, secret, kernel, time_limit, heap) for path in paths]
        for path, future in zip(paths, futures):
            try:
                row = future.result()
            except Exception as e:  # the grader's own failure on one file still leaves a row
                row = zero_row(path, run.test_cells(source), flag=f"grader-error: {type(e).__name__}: {str(e)[:200]}")
            say(f"{row['student']}: {row['points']:g} / {row['max']:g} ({row['seconds']:.0f} s)"
                + (f"  [{'; '.join(row['flags'])}]" if row["flags"] else ""))
            rows.append(row)
    write(out, rows, source, hidden, lesson)
    return rows


def write(out, rows, source, hidden, lesson):
    os.makedirs(os.path.join(out, "feedback"), exist_ok=True)
    os.makedirs(os.path.join(out, "results"), exist_ok=True)
    with open(os.path.join(out, "grades.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=1)
    ids = list(run.test_cells(source))  # in the notebook's order
    with open(os.path.join(out, "grades.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "points", "max", *ids, "incidents", "flags"])
        for row in rows:
            writer.writerow([row["student"], f"{row['points']:g}", f"{row['max']:g}",
                             *[f"{row['tests'].get(i, {}).get('points', 0):g}" for i in ids],
                             "; ".join(f"{i['test'] or 'cell ' + str(i['cell'])}: {i['what']}" for i in row["incidents"]),
                             "; ".join(row["flags"])])
    for row in rows:
        base = os.path.join(out, "feedback", row["student"])
        with open(base + ".md", "w", encoding="utf-8") as f:
            f.write(feedback(row, hidden))
        with open(base + ".html", "w", encoding="utf-8") as f:
            f.write(feedback_html(row, hidden, lesson))
        with open(os.path.join(out, "results", row["student"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(gradescope(row, hidden), f, indent=1)
