"""Slow check, not part of the quick suite: a cell that fills the DEFAULT heap (no -Xmx: a quarter of
the machine's memory) through a top-level variable gets an OutOfMemoryError, and the kernel answers
afterwards. test_survival.py checks the same on a 1 GiB heap; on a machine with 24 GB this one takes
about a minute per JDK.

    JUPYTER_PATH=... ALEXLAB_TEST_KERNELS="alexlab alexlab-jdk25" python3 reliability/default_heap_fill.py
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


class DefaultHeapFillTest(unittest.TestCase):
    def test_each_kernel(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name, env={"JAVA_TOOL_OPTIONS": ""}) as k:
                k.execute("int keep = 7;")
                reply, _ = k.execute("List<long[]> hog = new ArrayList<>();\nwhile (true) hog.add(new long[1 << 20]);",
                                     timeout=600)
                self.assertEqual(reply["ename"], "OutOfMemoryError")
                self.assertEqual(k.value("hog = null;\nkeep"), "7")
                self.assertEqual(k.value("1 + 1"), "2")


if __name__ == "__main__":
    unittest.main()
