"""Proves a lesson sound before students see it; each check prints one line, and any failure fails it.

  1. lint:        markers paired, test ids unique, each question has a solution, a visible and a hidden test
  2. reference:   the source (the teacher's answers) scores full marks, hidden tests included, under two secrets
  3. stubs:       with every answer stubbed (the release, hidden tests put back) every test fails as "todo",
                  not with a compile error: the stubs compile and say "not done yet"
  4. independent: stubbing one question's answers zeroes that question's tests only
  5. mutants:     each classic wrong answer listed in the source loses points in its question
  6. leaks:       no answer line and no hidden test in the release, and no outputs
  7. current:     the committed release equals a fresh one, byte for byte
"""
import copy
import os

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


def mutated(source_nb, index, mutant):
    nb = copy.deepcopy(source_nb)
    nb.cells[index].source = nb.cells[index].source.replace(mutant["from"], mutant["to"], 1)
    return nb


def describe(scores, only=None):
    return "; ".join(f"{ident} {status} {points:g}/{maximum:g}" + (f" ({why})" if why and status != "passed" else "")
                     for ident, (points, maximum, status, why) in sorted(scores.items()) if only is None or ident in only)


class Verification:
    def __init__(self, source_path, release_path, kernel="alexlab", say=print):
        self.source_path, self.release_path, self.kernel, self.say = source_path, release_path, kernel, say
        self.source = nbformat.read(source_path, as_version=4)
        self.failures = 0

    def result(self, ok, what, detail=""):
        self.say(f"    {'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail else ""))
        self.failures += not ok
        return ok

    def run(self, nb, secret=SECRETS[0]):
        cwd = os.path.dirname(os.path.abspath(self.source_path))
        _, found, seconds = run.execute(nb, secret=secret, kernel=self.kernel, cwd=cwd)
        return run.score(self.tests, found), seconds

    def verify(self):
        problems = lr.lint(self.source)
        if not self.result(not problems, "lint", "; ".join(problems)):
            return False
        self.tests = run.test_cells(self.source)
        questions = sorted({question for question, _ in self.tests.values()})

        for secret in SECRETS:
            scores, seconds = self.run(self.source, secret)
            full = all(status == "passed" and points == maximum for points, maximum, status, _ in scores.values())
            self.result(full, f"reference scores full marks (secret {secret!r}, {seconds:.0f} s)",
                        "" if full else describe(scores))

        scores, _ = self.run(stubbed(self.source))
        todo = all(status == "todo" and points == 0 for points, _, status, _ in scores.values())
        self.result(todo, "every stub fails as not done yet", "" if todo else describe(scores))

        if len(questions) > 1:
            for question in questions:
                scores, _ = self.run(stubbed(self.source, {question}))
                mine = {i for i, (q, _) in self.tests.items() if q == question}
                ok = all((status == "todo") == (ident in mine) for ident, (_, _, status, _) in scores.items())
                self.result(ok, f"stubbing {question} zeroes its tests only", "" if ok else describe(scores))

        for index, cell in enumerate(self.source.cells):
            for mutant in lr.info(cell).get("mutants", []):
                question = lr.info(cell)["question"]
                scores, _ = self.run(mutated(self.source, index, mutant))
                mine = {i for i, (q, _) in self.tests.items() if q == question}
                lost = any(scores[i][0] < scores[i][1] and scores[i][2] != "missing" for i in mine)
                self.result(lost, f"mutant {mutant['name']!r} loses points in {question}",
                            "" if lost else describe(scores, mine))

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
