"""Survival: a stack overflow, an exhausted heap and System.exit leave the kernel alive and
answering, on every JDK under test."""
import unittest

import harness


class SurvivalTest(unittest.TestCase):
    def test_each_kernel(self):
        for name in harness.kernel_names():
            # A 1 GiB heap: exhausting it takes a moment; much less would leave the kernel itself (javac,
            # ND4J, ZeroMQ) too little room beside the cell that fills it.
            with self.subTest(kernel=name), harness.Kernel(name, env={"JAVA_TOOL_OPTIONS": "-Xmx1g"}) as k:
                k.execute("int keep = 7;")

                k.execute("int down(int n) { return down(n + 1) + 1; }")
                reply, _ = k.execute("down(0)")
                self.assertEqual(reply["ename"], "StackOverflowError")
                self.assertLess(len(reply["traceback"]), 10, "a stack overflow is shown compactly")
                self.assertEqual(k.value("keep"), "7")

                reply, _ = k.execute("List<long[]> hog = new ArrayList<>();\nwhile (true) hog.add(new long[1 << 20]);")
                self.assertEqual(reply["ename"], "OutOfMemoryError")
                self.assertIn("The kernel is still running", "\n".join(reply["traceback"]))
                self.assertEqual(k.value("1 + 1"), "2")
                self.assertEqual(k.value("hog = null;\nkeep"), "7")
                # Memory held only by a method's local variable is free again once the cell has failed.
                # (A declaration at the top level of a cell would be a kernel variable and keep it.)
                k.execute("void fill() { long[][] local = new long[100000][]; for (int i = 0; ; i++) local[i] = new long[1 << 20]; }")
                reply, _ = k.execute("fill()")
                self.assertEqual(reply["ename"], "OutOfMemoryError")
                self.assertEqual(k.value("keep * 6"), "42")

                for code in ["System.exit(0);", "Runtime.getRuntime().exit(3);", "Runtime.getRuntime().halt(1);"]:
                    reply, _ = k.execute(code)
                    self.assertEqual(reply["ename"], "KernelExitException", code)
                    self.assertIn("would end the kernel", reply["evalue"])
                    self.assertEqual(k.value("keep"), "7")
                self.assertTrue(k.km.is_alive())


if __name__ == "__main__":
    unittest.main()
