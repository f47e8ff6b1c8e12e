"""Survival: a stack overflow, an exhausted heap, replaced standard streams and a thread that dies
of an exception leave the kernel alive and answering, on every JDK under test. (Every way of
exiting: test_lifecycle.py.)"""
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

                self.assertTrue(k.km.is_alive())

    def test_replaced_streams_and_a_thread_that_dies(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                reply, outputs = k.execute("System.setOut(null);\nSystem.setErr(null);\nSystem.setIn(null);")
                self.assertEqual(reply["status"], "ok", reply)
                self.assertIn("replaced System.out, System.err, System.in", harness.stream_text(outputs, "stderr"))
                # A cell may still capture its own output for a while.
                reply, outputs = k.execute("var captured = new ByteArrayOutputStream();\nPrintStream shown = System.out;\n"
                                           "System.setOut(new PrintStream(captured, true));\nSystem.out.println(\"inside\");\n"
                                           "System.setOut(shown);\ncaptured.toString().strip()")
                self.assertEqual(reply["status"], "ok", reply)
                self.assertEqual(harness.stream_text(outputs), "")
                self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"],
                                 ['inside'])
                _, outputs = k.execute('System.out.println("printed");\nSystem.err.println("warned");')
                self.assertEqual(harness.stream_text(outputs), "printed\n")
                self.assertEqual(harness.stream_text(outputs, "stderr"), "warned\n")
                self.assertEqual(k.value("1 + 1"), "2")

                # Python shows the exception that ends a thread; so do we, in the cell's stderr.
                reply, outputs = k.execute('new Thread(() -> { throw new AssertionError("boom"); }, "worker").start();\n'
                                           'Thread.sleep(200);')
                self.assertEqual(reply["status"], "ok", reply)
                shown = harness.stream_text(outputs, "stderr")
                self.assertIn('Exception in thread "worker" (started by a cell) java.lang.AssertionError: boom', shown)
                n = reply["execution_count"]
                self.assertIn(f"    at a lambda (cell [{n}] line 1)", shown.splitlines(), "the cell's line, as in a cell's error")
                self.assertNotIn("$JShell$", shown)

if __name__ == "__main__":
    unittest.main()
