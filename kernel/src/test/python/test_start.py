"""A kernel's start: a first cell that uses ND4J runs only once ND4J's native libraries are loaded.

Loading them beside a cell that loads a native library of its own (ManagementFactory's, say) could
deadlock the JVM inside the dynamic loader; they load on the kernel's thread before the cell runs
(see Nd4jOnFirstUse). The long version, many starts under CPU load, is reliability/first_cell_starts.py.
"""
import unittest

import harness


class StartTest(unittest.TestCase):
    def test_first_cell_waits_for_native_start_up(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                # Sent the moment the kernel answers kernel_info, as nbclient's Run All does.
                loaded = k.value("org.bytedeco.javacpp.Loader.getLoadedLibraries().keySet().stream()"
                                 ".anyMatch(library -> library.contains(\"nd4jcpu\"))")
                self.assertEqual(loaded, "true", "ND4J's libraries were still loading when the first cell ran")


if __name__ == "__main__":
    unittest.main()
