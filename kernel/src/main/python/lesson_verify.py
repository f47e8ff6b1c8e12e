"""Proves a lesson sound before students see it; each check prints one line, and any failure fails it.

  1. lint:        markers paired, test ids unique, each question has a solution, a visible and a hidden test
  2. reference:   the source (the teacher's answers) scores full marks, hidden tests included, under two secrets
  3. stubs:       with every answer stubbed (the release, hidden tests put back) every test fails as "todo",
                  not with a compile error: the stubs compile and say "not done yet"
  4. independent: stubbing one question's answers zeroes that question's tests only
  5. mutants:     each classic wrong answer listed in the source loses points in its question (one
                  mutant per question in a run: the questions are independent, as 4 proves)
  6. leaks:       no answer line and no hidden test in the release, and no outputs
  7. current:     the committed release equals a fresh one, byte for byte
"""
import copy
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import nbformat

import lesson_release as lr
import lesson_run as run

SECRETS = ("public", "verify-second-secret")  # hidden tests must pass whatever inputs a course's secret draws


def stubbed(source_nb, questions=None):
    """The source with the answers of `questions` (all when None) stubbed, hidden tests kept."""
    nb = copy.deepcopy(source_nb)
    for cell in nb.cells:
        if lr.kind(cell) == "solution" and (questions is None or lr.info(cell)["question"] in questions):
            cell.source = lr.stub_solution(cell.source, lr.info(cell)["question"])
    return nb


def mutated(source_nb, changes):
    """The source with each (cell index, mutant) of changes put in."""
    nb = copy.deepcopy(source_nb)
    for index, mutant in changes:
        nb.cells[index].source = nb.cells[index].source.replace(mutant["from"], mutant["to"], 1)
    return nb


def mutant_rounds(source_nb):
    """The mutants in rounds of at most one per question: round k holds each question's k-th mutant.
    Questions are independent (verify proves it), so one run judges a whole round."""
    per_question = {}
    for index, cell in enumerate(source_nb.cells):
        for mutant in lr.info(cell).get("mutants", []):
            per_question.setdefault(lr.info(cell)["question"], []).append((index, mutant))
    depth = max((len(m) for m in per_question.values()), default=0)
    return [[(q, *m[k]) for q, m in sorted(per_question.items()) if k < len(m)] for k in range(depth)]


def describe(scores, only=None):
    return "; ".join(f"{ident} {status} {points:g}/{maximum:g}" + (f" ({why})" if why and status != "passed" else "")
                     for ident, (points, maximum, status, why) in sorted(scores.items()) if only is None or ident in only)


def run_one(nb, secret, kernel, cwd):
    """One run in a worker process: ({test id: record}, seconds, [Incident])."""
    _, found, seconds, incidents = run.execute(nb, secret=secret, kernel=kernel, cwd=cwd)
    return found, seconds, incidents


class Verification:
    def __init__(self, source_path, release_path, kernel="alexlab", say=print):
        self.source_path, self.release_path, self.kernel, self.say = source_path, release_path, kernel, say
        self.source = nbformat.read(source_path, as_version=4)
        self.failures = 0

    @staticmethod
    def full_marks(scores):
        ok = all(status == "passed" and points == maximum for points, maximum, status, _ in scores.values())
        return ok, "" if ok else describe(scores)

    @staticmethod
    def all_todo(scores):
        ok = all(status == "todo" and points == 0 for points, _, status, _ in scores.values())
        return ok, "" if ok else describe(scores)

    @staticmethod
    def only_todo(scores, tests):
        ok = all((status == "todo") == (ident in tests) for ident, (_, _, status, _) in scores.items())
        return ok, "" if ok else describe(scores)

    @staticmethod
    def loses(scores, tests):
        """A test of the question lost points with a record (a run that left none proves nothing)."""
        ok = any(scores[i][0] < scores[i][1] and scores[i][2] != "missing" for i in tests)
        return ok, "" if ok else describe(scores, tests)

    def result(self, ok, what, detail=""):
        self.say(f"    {'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail else ""))
        self.failures += not ok
        return ok

    def verify(self, jobs=2):
        problems = lr.lint(self.source)
        if not self.result(not problems, "lint", "; ".join(problems)):
            return False
        self.tests = run.test_cells(self.source)
        questions = sorted({question for question, _ in self.tests.values()})
        mine = {q: {i for i, (question, _) in self.tests.items() if question == q} for q in questions}

        # Every run is a notebook in a fresh kernel, so they are independent: `jobs` of them at a time.
        # A run is (notebook, secret, [(what it shows, judge of its scores)]).
        runs = [(self.source, secret, [(f"reference scores full marks (secret {secret!r})", self.full_marks)])
                for secret in SECRETS]
        runs.append((stubbed(self.source), SECRETS[0], [("every stub fails as not done yet", self.all_todo)]))
        if len(questions) > 1:
            for q in questions:
                runs.append((stubbed(self.source, {q}), SECRETS[0], [(
                    f"stubbing {q} zeroes its tests only", lambda scores, q=q: self.only_todo(scores, mine[q]))]))
        for round_ in mutant_rounds(self.source):
            runs.append((mutated(self.source, [(index, mutant) for _, index, mutant in round_]), SECRETS[0], [
                (f"mutant {mutant['name']!r} loses points in {q}", lambda scores, q=q: self.loses(scores, mine[q]))
                for q, _, mutant in round_]))
        cwd = os.path.dirname(os.path.abspath(self.source_path))
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(run_one, nb, secret, self.kernel, cwd) for nb, secret, _ in runs]
            for (_, _, judges), future in zip(runs, futures):
                found, seconds, incidents = future.result()
                scores = run.score(self.tests, found, incidents)
                for what, judge in judges:
                    ok, detail = judge(scores)
                    self.result(ok, f"{what} ({seconds:.0f} s)", detail)

        fresh = lr.release(self.source, lr.source_sha256(self.source_path))
        leaks = lr.leaks(self.source, fresh)
        self.result(not leaks, "nothing of the answers or hidden tests in the release", "; ".join(leaks))
        try:
            with open(self.release_path, encoding="utf-8") as f:
                committed = f.read()
        except FileNotFoundError:
            committed = None
        self.result(committed == lr.dumps(fresh), "the committed release is current",
                    "" if committed == lr.dumps(fresh) else
                    f"{os.path.relpath(self.release_path)} differs from a fresh release: run ./install.sh lessons release")
        return self.failures == 0
