"""Interrupt: a running cell stops soon after an interrupt_request and the next cell runs, on every
JDK under test. "Stops" means the code no longer runs, not only that a reply came. Code that heeds
the interrupt (Thread.sleep, input) stops at once; code that ignores it (while (true) {}, a toString
that never returns) is stopped by force after the grace period. An interrupt while no cell runs
leaves threads that cells started alone, as in IPython."""
import time
import unittest

import harness

GRACE_S = 1.5  # JavaEvaluator.INTERRUPT_GRACE
LIMIT_S = GRACE_S + 1.0  # for code that ignores the interrupt
HEEDED_LIMIT_S = 1.0  # for code that heeds it


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
                for code, limit in [("while (true) {}", LIMIT_S), ("Thread.sleep(60000);", HEEDED_LIMIT_S),
                                    ('input("name? ");', HEEDED_LIMIT_S),
                                    # rendering the value and reading the exception's message run user code
                                    ("new Object() { public String toString() { while (true) {} } }", LIMIT_S),
                                    ("throw new RuntimeException() { public String getMessage() { while (true) {} } };",
                                     LIMIT_S)]:
                    reply, elapsed = self.interrupt_and_time(k, code)
                    self.assertEqual(reply["status"], "error", f"{name}: {code}")
                    self.assertEqual(reply["ename"], "Interrupted", reply)
                    self.assertLess(elapsed, limit, f"{name}: {code} took {elapsed:.2f} s to stop")
                    print(f"{name}: {code} stopped {elapsed:.2f} s after the interrupt")
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

                # An interrupt while no cell runs does not stop a thread an earlier cell started on purpose.
                k.execute("var ticks = new java.util.concurrent.atomic.AtomicLong();\n"
                          "var background = new Thread(() -> { while (true) { ticks.incrementAndGet();"
                          " try { Thread.sleep(10); } catch (InterruptedException e) { return; } } });\n"
                          "background.start();")
                k.km.interrupt_kernel()
                time.sleep(0.5)
                self.assertEqual(k.value("background.isAlive()"), "true", f"{name}: an idle interrupt stopped it")
                self.assertNotEqual(k.value("long before = ticks.get();\nThread.sleep(300);\nticks.get() - before"), "0")

                # Later statements of the interrupted cell did not run.
                reply, _ = self.interrupt_and_time(k, "Thread.sleep(60000);\nint neverSet = 1;")
                self.assertEqual(k.execute("neverSet")[0]["status"], "error")


if __name__ == "__main__":
    unittest.main()
