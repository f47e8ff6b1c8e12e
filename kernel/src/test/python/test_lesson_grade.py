"""The grader against a folder of adversarial submissions for lesson L02 (adversarial/make.py writes
them): a correct one, a blank release, System.exit, a reflective halt, a killed kernel, an endless
loop, a thread left running, a redefined Check, a forbidden library call, a 100 MB print, heap
exhaustion, deleted test and answer cells, a corrupt file. The batch must complete and every
gradebook row must be the one in expected.json; hidden tests must show by name only.

Plus the forbidden-name scan on its own (no kernel)."""
import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "main", "python"))
sys.path.insert(0, os.path.join(HERE, "adversarial"))
import lesson_grade  # noqa: E402
import lesson_release as lr  # noqa: E402
import make as adversarial  # noqa: E402

REPO = adversarial.REPO
FOLDER = os.path.join(HERE, "adversarial", adversarial.LESSON)
SOURCE = os.path.join(REPO, "lessons", "source", adversarial.LESSON + ".ipynb")


def flag_kinds(flags):
    return sorted(flag.split(":", 1)[0] for flag in flags)


class AdversarialFolderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="grade-")
        command = [sys.executable, os.path.join(REPO, "kernel", "src", "main", "python", "lessons.py"), "grade",
                   adversarial.LESSON, "--submissions", FOLDER, "--out", cls.out,
                   "--time-limit", "20", "--heap", "1g", "--secret", "public"]
        cls.result = subprocess.run(command, capture_output=True, text=True, timeout=900)
        with open(os.path.join(FOLDER, "expected.json"), encoding="utf-8") as f:
            cls.expected = json.load(f)
        with open(os.path.join(cls.out, "grades.json"), encoding="utf-8") as f:
            cls.rows = {row["student"]: row for row in json.load(f)}

    def test_the_folder_is_what_make_writes(self):
        with tempfile.TemporaryDirectory() as fresh:
            adversarial.main(fresh)
            for name in sorted(os.listdir(fresh)):
                with open(os.path.join(fresh, name), encoding="utf-8") as a, \
                        open(os.path.join(FOLDER, name), encoding="utf-8") as b:
                    self.assertEqual(a.read(), b.read(), f"{name} is stale: run adversarial/make.py")

    def test_the_batch_completes(self):
        self.assertEqual(self.result.returncode, 0, self.result.stdout[-2000:] + self.result.stderr[-2000:])
        self.assertEqual(sorted(self.rows), sorted(self.expected))

    def test_every_row_is_as_expected(self):
        for student, want in sorted(self.expected.items()):
            with self.subTest(student=student):
                row = self.rows[student]
                got = {ident: t["status"] for ident, t in row["tests"].items()}
                self.assertEqual(got, want["tests"], f"{student}: {json.dumps(row, indent=1)[:1500]}")
                self.assertEqual(row["points"], want["points"], student)
                self.assertEqual(flag_kinds(row["flags"]), sorted(want["flags"]), student)

    def test_a_dead_kernel_is_restarted_and_the_rest_graded(self):
        row = self.rows["killed-kernel"]
        self.assertEqual([i["what"] for i in row["incidents"]], ["died", "died"])
        self.assertEqual(row["tests"]["conv-output-size/alexnet"]["status"], "passed")

    def test_a_hung_test_is_stopped_at_its_limit(self):
        row = self.rows["infinite-loop"]
        self.assertEqual([i["what"] for i in row["incidents"]], ["timeout", "timeout"])
        self.assertLess(row["seconds"], 2 * 20 + 60)

    def test_the_gradebook_files(self):
        with open(os.path.join(self.out, "grades.csv"), encoding="utf-8") as f:
            table = {line["student"]: line for line in csv.DictReader(f)}
        self.assertEqual(float(table["wrong-padding"]["points"]), self.expected["wrong-padding"]["points"])
        for student in self.expected:
            with open(os.path.join(self.out, "results", student + ".json"), encoding="utf-8") as f:
                self.assertEqual(json.load(f)["score"], self.rows[student]["points"])
            for suffix in (".md", ".html"):
                self.assertTrue(os.path.isfile(os.path.join(self.out, "feedback", student + suffix)))

    def test_feedback_names_hidden_tests_but_never_shows_their_code(self):
        source = nbformat.read(SOURCE, as_version=4)
        hidden = [line.strip() for cell in source.cells if lr.kind(cell) == "test" and lr.info(cell).get("hidden")
                  for line in cell.source.split("\n")[1:] if len(line.strip()) >= 20]
        self.assertTrue(hidden)
        for name in os.listdir(os.path.join(self.out, "feedback")):
            with open(os.path.join(self.out, "feedback", name), encoding="utf-8") as f:
                text = f.read()
            self.assertIn("conv-forward/random", text)
            for line in hidden:
                self.assertNotIn(line, text, name)
        with open(os.path.join(self.out, "feedback", "wrong-padding.md"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn("expected 27, got 23", text)  # a visible test's message is shown


class ForbiddenTest(unittest.TestCase):
    def test_own_lines_only(self):
        source = nbformat.read(SOURCE, as_version=4)
        rebuilt = nbformat.from_dict(json.loads(json.dumps(source)))
        self.assertEqual(lesson_grade.forbidden_uses(source, rebuilt), {})  # the template's Conv2d is given
        cell = next(c for c in rebuilt.cells if lr.info(c).get("forbid"))
        cell.source = cell.source.replace("double sum = b.getDouble(o);",
                                          "double sum = b.getDouble(o); // not NaiveConvolution\n"
                                          "Object fast = NaiveConvolution.class;")
        self.assertEqual(lesson_grade.forbidden_uses(source, rebuilt), {"conv-forward": ["NaiveConvolution"]})


if __name__ == "__main__":
    unittest.main()
