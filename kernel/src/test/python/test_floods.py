"""Output floods on every JDK under test: a million printed lines, a 50 MB string and 200 pictures
reach the client whole, in order and in few messages, and the kernel answers at once afterwards
without keeping the memory the flood needed."""
import time
import unittest

import harness
from test_memory import resident_mib

# Allowed growth of the kernel's resident memory after a million lines, and after all three floods:
# the 50 MB string needs its room in the heap, and the JVM keeps up to 30 % of the heap free.
LINES_MEMORY_MIB = 60
FLOODS_MEMORY_MIB = 150


def streams(outputs):
    return [m for m in outputs if m["msg_type"] == "stream"]


class FloodTest(unittest.TestCase):
    def assert_prompt(self, k):
        start = time.monotonic()
        self.assertEqual(k.value("1 + 1"), "2")
        self.assertLess(time.monotonic() - start, 2.0, f"{k.name}: slow to answer after a flood")

    def test_each_kernel(self):
        for name in harness.kernel_names():
            # Without the compiler warm-up, whose own memory would count as the floods'.
            with self.subTest(kernel=name), harness.Kernel(name, env={"JAVA_TOOL_OPTIONS": "-Dalexlab.warmup=0"}) as k:
                self.assertEqual(k.value("1 + 1"), "2")  # the first cell waits for JShell to start
                k.execute("for (int i = 0; i < 1000; i++) System.out.println(i);")  # the printing code, compiled
                time.sleep(2)  # the kernel collects its garbage when idle
                before = resident_mib(k)

                reply, outputs = k.execute("for (int i = 0; i < 1_000_000; i++) System.out.println(i);", timeout=120)
                self.assertEqual(reply["status"], "ok")
                lines = harness.stream_text(outputs).split("\n")
                self.assertEqual(lines[-1], "", "the output ends with its last newline")
                self.assertEqual(lines[:-1], [str(i) for i in range(1_000_000)], "every line once, in order")
                messages = len(streams(outputs))
                print(f"\n{name}: a million lines came in {messages} IOPub stream messages")
                self.assertLess(messages, 2000)
                self.assert_prompt(k)
                time.sleep(2)
                after_lines = resident_mib(k)
                print(f"{name}: resident memory {before} MiB before, {after_lines} MiB after a million lines")
                self.assertLess(after_lines - before, LINES_MEMORY_MIB, f"{name}: the lines left memory behind")

                reply, outputs = k.execute('String big = "0123456789".repeat(5_000_000);\n'
                                           'System.out.print(big);\nbig = null;', timeout=120)
                self.assertEqual(reply["status"], "ok")
                text = harness.stream_text(outputs)
                self.assertEqual(len(text), 50_000_000)
                self.assertEqual(text, "0123456789" * 5_000_000)
                self.assertLess(len(streams(outputs)), 200)
                self.assert_prompt(k)

                reply, outputs = k.execute("for (int i = 0; i < 200; i++) {\n"
                                           "    System.out.println(\"picture \" + i);\n"
                                           "    display(show(Nd4j.rand(DataType.FLOAT, 8, 8)));\n}", timeout=120)
                self.assertEqual(reply["status"], "ok")
                pictures = [m for m in outputs if m["msg_type"] == "display_data"]
                self.assertEqual(len(pictures), 200)
                self.assertTrue(all("image/png" in m["content"]["data"] for m in pictures))
                order = [m["content"]["text"].strip() if m["msg_type"] == "stream" else "png"
                         for m in outputs if m["msg_type"] in ("stream", "display_data")]
                self.assertEqual(order, [x for i in range(200) for x in (f"picture {i}", "png")])
                self.assert_prompt(k)

                time.sleep(2)
                after = resident_mib(k)
                print(f"{name}: {after} MiB after all three floods")
                self.assertLess(after - before, FLOODS_MEMORY_MIB, f"{name}: the floods left memory behind")


if __name__ == "__main__":
    unittest.main()
