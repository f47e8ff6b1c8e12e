"""The student release of a lesson: stubs that compile, no hidden test, no answer, no output; and the
lint that refuses a lesson missing a hidden test. No kernel needed: these are notebook transformations."""
import os
import sys
import unittest

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "main", "python"))
import lesson_release as lr  # noqa: E402

SOLUTION = """INDArray reluForward(INDArray x) {
    INDArray y = x.dup();
    // BEGIN SOLUTION
    // HINT: putScalar(i, v) writes element i of a flat view
    INDArray flat = y.reshape(y.length());
    for (long i = 0; i < flat.length(); i++) flat.putScalar(i, Math.max(0, flat.getDouble(i)));
    // END SOLUTION
    return y;
}
double reluAt(double v) {
    // BEGIN SOLUTION
    return Math.max(0, v);
    // END SOLUTION
}
double slopeOfRelu = 1.0; // SOLUTION"""


def cell(source, **alexlab):
    c = new_code_cell(source, id=f"c{abs(hash(source)) % 10**8}")  # fixed ids: a source notebook's are
    c.metadata["alexlab"] = alexlab
    return c


def lesson():
    nb = new_notebook(cells=[
        new_markdown_cell("# ReLU", id="title"),
        cell(SOLUTION, kind="solution", question="relu",
             mutants=[{"name": "passes negatives", "from": "Math.max(0, v)", "to": "v"}]),
        cell("%%test relu/linspace points=2\nCheck.close(reluAt(-1), 0, 0);\n"
             "// BEGIN HIDDEN TESTS\nCheck.close(reluAt(-12345.678), 0, 0); // a secret value\n// END HIDDEN TESTS",
             kind="test"),
        cell("%%test relu/random points=2\nCheck.close(reluAt(Lesson.random(\"relu\").nextDouble() - 0.5), 0, 1);",
             kind="test", hidden=True),
    ])
    nb.cells[1].outputs = [new_output("stream", name="stdout", text="defined")]
    nb.cells[1].execution_count = 3
    nb.metadata["kernelspec"] = {"name": "alexlab", "display_name": "Java (AlexLab)", "language": "java"}
    nb.metadata["alexlab"] = {"lesson": {"id": "L00-test", "version": 2}}
    return nb


class ReleaseTest(unittest.TestCase):
    def setUp(self):
        self.source = lesson()
        self.release = lr.release(self.source, "abc")

    def test_stubs_replace_answers_and_compile_in_place(self):
        stub = self.release.cells[1].source
        # Followed by `return y;`: an if (true) throw, since a bare throw would make the return unreachable.
        self.assertIn('    // YOUR CODE HERE\n    if (true) throw new Todo("relu");\n    return y;', stub)
        # Ending the method: a bare throw, so a method that returns a value still compiles.
        self.assertIn('    // YOUR CODE HERE\n    throw new Todo("relu");\n}', stub)
        self.assertIn('double slopeOfRelu = Lesson.todo("relu");', stub)
        self.assertIn("// HINT: putScalar(i, v)", stub)
        self.assertNotIn("Math.max", stub)

    def test_hidden_tests_outputs_and_teacher_metadata_are_gone(self):
        self.assertEqual(3, len(self.release.cells))
        self.assertNotIn("12345.678", lr.dumps(self.release))
        self.assertNotIn("relu/random", lr.dumps(self.release))
        self.assertNotIn("mutants", lr.dumps(self.release))
        self.assertEqual([], self.release.cells[1].outputs)
        self.assertIsNone(self.release.cells[1].execution_count)
        self.assertEqual({"id": "L00-test", "version": 2, "source_sha256": "abc"}, self.release.metadata["alexlab"]["lesson"])
        self.assertEqual([], lr.leaks(self.source, self.release))

    def test_a_leak_is_found(self):
        self.release.cells[1].source += "\n// for (long i = 0; i < flat.length(); i++) flat.putScalar(i, Math.max(0, flat.getDouble(i)));"
        self.assertTrue(any("putScalar" in p for p in lr.leaks(self.source, self.release)))

    def test_a_line_the_source_shows_anyway_is_no_leak(self):
        shared = "Check.close(reluAt(-1), 0, 0); // shown in the visible test"
        self.source.cells[2].source += "\n" + shared
        self.source.cells[3].source += "\n" + shared
        self.assertEqual([], lr.leaks(self.source, lr.release(self.source, "abc")))
        self.release.cells[1].source += "\n// double slopeOfRelu = 1.0; // SOLUTION"
        self.assertTrue(any("slopeOfRelu" in p for p in lr.leaks(self.source, self.release)))

    def test_the_release_is_the_same_text_every_time(self):
        self.assertEqual(lr.dumps(self.release), lr.dumps(lr.release(lesson(), "abc")))
        nbformat.validate(nbformat.from_dict(self.release))

    def test_lint_accepts_a_sound_lesson_and_names_what_is_missing(self):
        self.assertEqual([], lr.lint(self.source))
        del self.source.cells[3]  # the hidden test cell; the visible cell still has a hidden region
        self.assertEqual([], lr.lint(self.source))
        self.source.cells[2].source = "%%test relu/linspace points=2\nCheck.close(reluAt(-1), 0, 0);"
        self.assertEqual(["question relu has no hidden test"], lr.lint(self.source))
        self.source.cells[2].source = "%%test linspace\n1"
        self.assertTrue(any("names no question" in p for p in lr.lint(self.source)))
        self.source.cells[1].source = SOLUTION.replace("    // END SOLUTION\n    return y;", "    return y;")
        self.assertTrue(any("BEGIN SOLUTION without" in p for p in lr.lint(self.source)))


if __name__ == "__main__":
    unittest.main()
