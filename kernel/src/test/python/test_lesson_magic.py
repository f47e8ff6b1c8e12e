"""A lesson's test cells in the real kernel: %%test records what the checks said, scores partial
credit, says "todo" for a stub, refuses to count when a student's cell hides the check API, and the
kernel goes on running after each."""
import unittest

import harness

RECORD = "application/vnd.alexlab.test+json"

RELU = """INDArray reluForward(INDArray x) {
    INDArray y = x.dup();
    for (long i = 0; i < y.length(); i++) y.putScalar(i, Math.max(0, y.getDouble(i)));
    return y;
}"""
TEST = """%%test relu-forward/three points=2
INDArray y = reluForward(Nd4j.createFromArray(-1.0, 0.5, 2.0));
Check.shape(y, 3);
Check.close(y, Nd4j.createFromArray(0.0, 0.5, 2.0), 0).hint("negative numbers become 0");"""


def record(kernel, code):
    reply, outputs = kernel.execute(code)
    assert reply["status"] == "ok", reply
    results = [m["content"]["data"] for m in outputs if m["msg_type"] == "execute_result"]
    assert results and RECORD in results[-1], outputs
    return results[-1]


class LessonMagicTest(unittest.TestCase):
    def test_test_cells(self):
        with harness.Kernel() as k:
            k.execute(RELU)
            passed = record(k, TEST)
            self.assertEqual("passed", passed[RECORD]["status"])
            self.assertEqual(2, passed[RECORD]["points"])
            self.assertIn("relu-forward/three: passed, 2 of 2 points", passed["text/html"])

            k.execute(RELU.replace("Math.max(0, y.getDouble(i))", "y.getDouble(i)"))  # the classic mistake
            failed = record(k, TEST)[RECORD]
            self.assertEqual("failed", failed["status"])
            self.assertEqual(1, failed["points"])  # the shape is right: half the checks
            wrong = [c for c in failed["checks"] if not c["passed"]][0]
            self.assertEqual("1 of 3 numbers off; the worst at [0]: expected 0.0, got -1.0", wrong["message"])
            self.assertEqual("negative numbers become 0", wrong["hint"])

            k.execute('INDArray reluForward(INDArray x) {\n    // YOUR CODE HERE\n    throw new Todo("relu-forward");\n}')
            todo = record(k, TEST)[RECORD]
            self.assertEqual(("todo", 0), (todo["status"], todo["points"]))
            self.assertIn("not done yet", todo["note"])

            self.assertEqual("error", record(k, "%%test relu-forward/none points=1\nint n = 1;")[RECORD]["status"])

            reply, outputs = k.execute("%%test relu-forward/broken points=1\nCheck.shape(undefinedName, 3);")
            self.assertEqual("error", reply["status"])  # a test that does not compile is a compile error
            self.assertEqual("CompilationError", reply["ename"])

            k.execute("void check(boolean condition, String what) {}")  # a student's no-op check
            shadowed = record(k, TEST)[RECORD]
            self.assertEqual(("shadowed", 0), (shadowed["status"], shadowed["points"]))
            self.assertIn("check", shadowed["note"])

            table = k.value("%lesson")
            self.assertIn("relu-forward/three", table)
            self.assertEqual("2", k.value("1 + 1"))


if __name__ == "__main__":
    unittest.main()
