"""Interrupt: a running cell stops within 2 s of an interrupt_request and the next cell runs,
on every JDK under test. "Stops" means the code no longer runs, not only that a reply came."""
import time
import unittest

import harness

LIMIT_S = 2.0


class InterruptTest(unittest.TestCase):
    def interrupt_and_time(self, k, code):
        msg_id = k.kc.execute(code)
        time.sleep(1.0)  # let it get going
        started = time.time()
        k.km.interrupt_kernel()
        reply = k.shell_reply(msg_id, timeout=30)["content"]
        elapsed = time.time() - started
        k.iopub_until_idle(msg_id)
        return reply, elapsed

    def test_each_kernel(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                for code in ["while (true) {}", "Thread.sleep(60000);"]:
                    reply, elapsed = self.interrupt_and_time(k, code)
                    self.assertEqual(reply["status"], "error", f"{name}: {code}")
                    self.assertEqual(reply["ename"], "Interrupted", reply)
                    self.assertLess(elapsed, LIMIT_S, f"{name}: {code} took {elapsed:.2f} s to stop")
                    self.assertEqual(k.value("1 + 1"), "2")

                # The loop must really have stopped: its counter stands still afterwards.
                k.execute("var counter = new java.util.concurrent.atomic.AtomicLong();")
                reply, elapsed = self.interrupt_and_time(k, "while (true) counter.incrementAndGet();")
                self.assertLess(elapsed, LIMIT_S)
                moved = k.value("long before = counter.get();\nThread.sleep(500);\ncounter.get() - before")
                self.assertEqual(moved, "0", f"{name}: the interrupted loop is still running")
                self.assertNotEqual(k.value("counter.get()"), "0")

                # A loop inside a method declared in an earlier cell.
                k.execute("void spin() { while (true) { } }")
                reply, elapsed = self.interrupt_and_time(k, "spin();")
                self.assertLess(elapsed, LIMIT_S)
                # Threads a cell starts itself are not covered here: JShell's stop reaches them only
                # through stop checks woven into snippet code (JDK 20+), which a hot loop on another
                # thread may not see in time, and JDK 17 cannot stop them at all (a known gap, noted
                # in the issue).

                # Later statements of the interrupted cell did not run.
                reply, _ = self.interrupt_and_time(k, "Thread.sleep(60000);\nint neverSet = 1;")
                self.assertEqual(k.execute("neverSet")[0]["status"], "error")


if __name__ == "__main__":
    unittest.main()
