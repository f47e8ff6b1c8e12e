"""Lifecycle: no way of ending the JVM from a cell ends the kernel; cells leave no thread groups
behind; shutdown leaves no JVM behind,
even with a non-daemon thread running; restart gives a fresh state; two clients see the same IOPub.
On every JDK under test. (A heap filled through a top-level variable: test_survival.py, on a 1 GiB
heap; on the default heap, a quarter of the machine's memory, see reliability/default_heap_fill.py.)"""
import os
import queue
import time
import unittest

import harness

# Every way a cell can reach Runtime.exit or Runtime.halt: each must be refused with the kernel's message.
EXITS = [
    "System.exit(0);",
    "Runtime.getRuntime().exit(3);",
    "Runtime.getRuntime().halt(1);",
    'Runtime.class.getMethod("halt", int.class).invoke(Runtime.getRuntime(), 0);',
    'System.class.getMethod("exit", int.class).invoke(null, 0);',
    "java.util.function.IntConsumer exit = System::exit;\nexit.accept(0);",
    "java.lang.invoke.MethodHandles.lookup().findStatic(System.class, \"exit\",\n"
    "    java.lang.invoke.MethodType.methodType(void.class, int.class)).invoke(0);",
    'com.sun.tools.javac.Main.main(new String[]{"-version"});',  # a library main() that ends in System.exit
]


def process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped) no longer runs: read its state.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


class LifecycleTest(unittest.TestCase):
    """One kernel per JDK goes through it all, in order: kernel starts are what take time here."""

    def test_each_kernel(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name):
                k = harness.Kernel(name)
                try:
                    self.no_exit_path_ends_the_kernel(k)
                    self.cells_leave_no_thread_groups_behind(k)
                    self.two_clients_see_the_same_iopub(k)
                    self.restart_gives_a_fresh_state(k)
                    self.shutdown_leaves_no_jvm_behind(k)
                finally:
                    k.close()

    def no_exit_path_ends_the_kernel(self, k):
        k.execute("int keep = 7;")
        for code in EXITS:
            reply, _ = k.execute(code)
            self.assertEqual(reply["status"], "error", f"{k.name}: {code}")
            shown = reply["evalue"] + "\n".join(reply["traceback"])
            self.assertIn("was not run: it would end the kernel and lose every variable", shown, code)
            self.assertIn("Kernel > Restart", shown, code)
            self.assertEqual(k.value("keep"), "7", f"{k.name}: after {code}")
        reply, _ = k.execute("ProcessHandle.current().destroyForcibly();")
        self.assertEqual(reply["ename"], "IllegalStateException")
        self.assertEqual(k.value("keep"), "7")
        self.assertTrue(k.km.is_alive())

    def cells_leave_no_thread_groups_behind(self, k):
        # JDK 17's JShell makes a thread group per snippet, and a group stays until destroyed.
        count_groups = ("ThreadGroup top = Thread.currentThread().getThreadGroup();\n"
                        "while (top.getParent() != null) top = top.getParent();\n"
                        "System.gc();\n"
                        "top.activeGroupCount()")
        before = int(k.value(count_groups))
        for i in range(40):
            k.execute(f"int step = {i};")
        after = int(k.value(count_groups))
        self.assertLess(after - before, 5, f"{k.name}: 40 cells left {after - before} thread groups behind")

    def two_clients_see_the_same_iopub(self, k):
        other = k.km.client()
        other.start_channels()
        try:
            time.sleep(1)  # ZeroMQ subscriptions take a moment to reach the kernel
            while True:  # what came before
                try:
                    other.get_iopub_msg(timeout=0.2)
                except queue.Empty:
                    break
            msg_id = k.kc.execute('System.out.println("for everyone");')
            k.collect(msg_id)
            seen = []
            deadline = time.time() + 10
            while not any(m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
                          for m in seen) and time.time() < deadline:
                try:
                    msg = other.get_iopub_msg(timeout=1)
                except queue.Empty:
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    seen.append(msg)
            self.assertIn("for everyone", harness.stream_text(seen), f"{k.name}: the second client saw {seen}")
            self.assertIn("execute_input", [m["msg_type"] for m in seen])
        finally:
            other.stop_channels()

    def restart_gives_a_fresh_state(self, k):
        k.km.restart_kernel(now=False)
        k.kc.wait_for_ready(timeout=harness.TIMEOUT)
        reply, _ = k.execute("keep")
        self.assertEqual(reply["status"], "error", f"{k.name}: a variable survived the restart")
        self.assertEqual(k.value("1 + 1"), "2")

    def shutdown_leaves_no_jvm_behind(self, k):
        pid = k.km.provisioner.process.pid
        # A non-daemon thread that never ends would keep a JVM that merely returned from main alive.
        reply, _ = k.execute("var keeper = new Thread(() -> { while (true) { try { Thread.sleep(50); }"
                             " catch (InterruptedException e) { } } });\nkeeper.start();")
        self.assertEqual(reply["status"], "ok", reply)
        started = time.time()
        k.kc.shutdown()  # a shutdown_request, as Kernel > Shutdown sends it
        while process_exists(pid) and time.time() - started < 10:
            time.sleep(0.1)
        self.assertFalse(process_exists(pid), f"{k.name}: the kernel's JVM still runs after shutdown")

if __name__ == "__main__":
    unittest.main()
