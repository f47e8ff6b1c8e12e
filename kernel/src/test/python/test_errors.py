"""How errors look, on every JDK under test: the header line carries colour (as IPython's do, so an
error stands out from System.err output), every independent compile error of a cell is listed,
JShell's nameless wrapper class is never shown, a library's frames fold under the cell's line, and
a failed expression leaves no variable behind."""
import re
import unittest

import harness

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(lines):
    return [ANSI.sub("", line) for line in lines]


class ErrorLooksTest(unittest.TestCase):
    def test_each_kernel(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                reply, outputs = k.execute('throw new IllegalStateException("broken");')
                self.assertEqual(reply["ename"], "IllegalStateException")
                header = reply["traceback"][0]
                self.assertEqual(header, "\x1b[1;31mjava.lang.IllegalStateException\x1b[0m: broken",
                                 "bold red name, the message in the theme's colour, no background")
                errors = [m for m in outputs if m["msg_type"] == "error"]
                self.assertEqual(errors[0]["content"]["traceback"], reply["traceback"])

                # A failed expression's $N variable goes, as a succeeded one's does: JShell would
                # import it into every later snippet, making each one's wrapper longer for good.
                self.assertEqual(k.execute('Integer.parseInt("not a number")')[0]["status"], "error")
                self.assertEqual(k.value('"fine".length()'), "4")
                msg_id = k.kc.complete("$", 1)
                self.assertEqual(k.shell_reply(msg_id)["content"]["matches"], [], "no $N variable left behind")

                reply, _ = k.execute('int count = "three";\nint other = 4;\nString label = 5;\nint uses = count + 1;')
                self.assertEqual(reply["ename"], "CompilationError")
                tb = plain(reply["traceback"])
                self.assertIn("\x1b[1;31merror\x1b[0m", reply["traceback"][0])
                located = [line for line in tb if line.startswith("error: ")]
                n = reply["execution_count"]
                self.assertEqual(len(located), 2, "both independent errors, not the one that depends on count: "
                                 + "\n".join(tb))
                self.assertTrue(located[0].startswith(f"error: cell [{n}] line 1, column 13: incompatible types"), tb)
                self.assertTrue(located[1].startswith(f"error: cell [{n}] line 3, column 16: incompatible types"), tb)
                self.assertIn("    String label = 5;", tb)
                self.assertIn(" " * 19 + "^", tb)
                self.assertEqual(k.execute("other")[0]["status"], "error", "nothing after the failed line ran")
                self.assertEqual(k.execute("alexlab$check()")[0]["status"], "error", "the compile check left nothing behind")

            # A fresh kernel: JShell's wrapper class of its first snippets has an empty name.
            with self.subTest(kernel=name, check="location"), harness.Kernel(name) as k:
                reply, _ = k.execute("int x = undefinedName + 1;")
                tb = plain(reply["traceback"])
                self.assertTrue(any("cannot find symbol" in line for line in tb), tb)
                self.assertIn("    symbol:   variable undefinedName", tb)
                self.assertFalse([line for line in tb if "location:" in line], tb)

                reply, _ = k.execute("var a = Nd4j.rand(2, 3);\nvar b = Nd4j.rand(2, 3);\na.mmul(b)")
                tb = plain(reply["traceback"])
                n = reply["execution_count"]
                self.assertEqual(tb[1], f"    at cell [{n}] line 3", "the cell's own line first: " + "\n".join(tb))
                self.assertRegex(tb[2], r"^    \(\d+ frames in org\.nd4j[a-z.]*, from \w+\.mmul\)$")
                self.assertEqual(len(tb), 3, "\n".join(tb))


if __name__ == "__main__":
    unittest.main()
