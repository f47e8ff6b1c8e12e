"""The protocol details that jupyter_kernel_test does not check, through a real client."""
import base64
import os
import queue
import subprocess
import tempfile
import time
import unittest

import harness
from harness import stream_text


def instant(date):
    """An ISO instant as the kernel writes it (0, 3, 6 or 9 digits of fraction) in a form that sorts."""
    seconds, _, fraction = str(date).rstrip("Z").partition(".")
    return seconds, fraction.ljust(9, "0")


class ProtocolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = harness.Kernel("alexlab")

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def setUp(self):
        self.k.drain_iopub()

    def request(self, msg_type, content, channel="shell"):
        kc = self.k.kc
        msg = kc.session.msg(msg_type, content)
        getattr(kc, channel + "_channel").send(msg)
        if channel == "control":
            deadline = time.time() + 30
            while True:
                reply = kc.get_control_msg(timeout=max(0.1, deadline - time.time()))
                if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                    return reply
        return self.k.shell_reply(msg["header"]["msg_id"])

    def test_every_reply_carries_status(self):
        cases = [
            ("kernel_info_request", {}, "shell"),
            ("execute_request", {"code": "1", "silent": False}, "shell"),
            ("complete_request", {"code": "Math.", "cursor_pos": 5}, "shell"),
            ("inspect_request", {"code": "Math.max", "cursor_pos": 8, "detail_level": 0}, "shell"),
            ("history_request", {"hist_access_type": "tail", "n": 3, "output": False, "raw": True}, "shell"),
            ("comm_info_request", {}, "shell"),
            ("kernel_info_request", {}, "control"),
            ("interrupt_request", {}, "control"),
        ]
        for msg_type, content, channel in cases:
            with self.subTest(msg_type=msg_type, channel=channel):
                reply = self.request(msg_type, content, channel)
                self.assertEqual(reply["msg_type"], msg_type.replace("_request", "_reply"))
                self.assertEqual(reply["content"].get("status"), "ok", reply["content"])

    def statuses_after_idle(self, msg_id):
        """The request's status messages that come after its idle status (none, when all is well)."""
        self.k.iopub_until_idle(msg_id)
        time.sleep(0.3)  # a second idle, were there one, would be here by now
        rest = []
        while True:
            try:
                rest.append(self.k.kc.get_iopub_msg(timeout=0.1))
            except queue.Empty:
                break
        return [m["content"]["execution_state"] for m in rest
                if m["msg_type"] == "status" and m["parent_header"].get("msg_id") == msg_id]

    def test_each_request_has_one_busy_and_one_idle_and_the_idle_comes_before_the_reply(self):
        # A notebook server opens a browser's connection right after a kernel_info_reply and checks
        # that connection's IOPub subscription only if the kernel is idle by then: an idle status sent
        # after the reply left a class's browser waiting for messages that went nowhere.
        cases = [
            ("kernel_info_request", {}, "shell"),
            ("kernel_info_request", {}, "control"),
            ("execute_request", {"code": "1", "silent": False}, "shell"),
            ("execute_request", {"code": "nosuchName", "silent": False}, "shell"),
            ("complete_request", {"code": "Math.", "cursor_pos": 5}, "shell"),
            ("is_complete_request", {"code": "int x = "}, "shell"),
            ("inspect_request", {"code": "Math.max", "cursor_pos": 8, "detail_level": 0}, "shell"),
            ("history_request", {"hist_access_type": "tail", "n": 3, "output": False, "raw": True}, "shell"),
            ("comm_info_request", {}, "shell"),
            ("interrupt_request", {}, "control"),
            ("frobnicate_request", {}, "shell"),
            ("execute_request", {}, "control"),  # not served on control: an error reply
        ]
        for msg_type, content, channel in cases:
            with self.subTest(msg_type=msg_type, channel=channel):
                self.k.drain_iopub()
                reply = self.request(msg_type, content, channel)
                msg_id = reply["parent_header"]["msg_id"]
                states = self.statuses_after_idle(msg_id)
                self.assertEqual(states, [], f"more status messages after the idle: {states}")
        # The order, from the kernel's own clock: each reply is made after its request's idle status.
        for msg_type, content, channel in cases[:3]:
            with self.subTest(order=msg_type, channel=channel):
                self.k.drain_iopub()
                reply = self.request(msg_type, content, channel)
                msg_id = reply["parent_header"]["msg_id"]
                deadline = time.time() + 30
                while True:
                    msg = self.k.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
                    if (msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id
                            and msg["content"]["execution_state"] == "idle"):
                        break
                self.assertLessEqual(instant(msg["header"]["date"]), instant(reply["header"]["date"]))

    def test_unknown_request_is_answered(self):
        reply = self.request("frobnicate_request", {"x": 1})
        self.assertEqual(reply["msg_type"], "frobnicate_reply")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("frobnicate_request", reply["content"]["evalue"])
        self.assertEqual(self.k.value("2 + 3"), "5")

    def test_implementation_is_alexlab(self):
        reply = self.request("kernel_info_request", {})
        self.assertEqual(reply["content"]["implementation"], "alexlab")

    def test_silent_publishes_nothing_and_keeps_the_count(self):
        before, _ = self.k.execute("int silentProbe = 1;")
        reply, outputs = self.k.execute('System.out.println("hidden"); 7', silent=True)
        self.assertEqual(reply["status"], "ok")
        kinds = [m["msg_type"] for m in outputs]
        self.assertEqual(kinds, ["status"], f"silent execution published {kinds}")
        after, _ = self.k.execute("int silentProbe2 = 2;")
        self.assertEqual(after["execution_count"], before["execution_count"] + 1)

    def test_store_history_false(self):
        first, _ = self.k.execute("int historyProbe = 41;")
        hidden, _ = self.k.execute("historyProbe + 1 // unstored", store_history=False)
        second, _ = self.k.execute("int historyProbe2 = 1;")
        self.assertEqual(second["execution_count"], first["execution_count"] + 1)
        tail = self.request("history_request", {"hist_access_type": "tail", "n": 50, "output": False, "raw": True})
        inputs = [h[2] for h in tail["content"]["history"]]
        self.assertNotIn("historyProbe + 1 // unstored", inputs)
        self.assertIn("int historyProbe = 41;", inputs)

    def test_stop_on_error_aborts_queued_cells(self):
        kc = self.k.kc
        failing = kc.execute('Thread.sleep(700); throw new RuntimeException("first fails");')
        queued = kc.execute("int abortedProbe = 1;")
        reply_failing, _ = self.k.collect(failing)
        reply_queued = self.k.shell_reply(queued)["content"]
        self.assertEqual(reply_failing["status"], "error")
        self.assertEqual(reply_queued["status"], "aborted")
        self.assertEqual(self.statuses_after_idle(queued), [], "an aborted cell has one busy and one idle status")
        reply, _ = self.k.execute("abortedProbe")
        self.assertEqual(reply["status"], "error", "an aborted cell must not have run")

    def test_stop_on_error_false_runs_queued_cells(self):
        kc = self.k.kc
        failing = kc.execute('Thread.sleep(700); throw new RuntimeException("fails");', stop_on_error=False)
        queued = kc.execute("int keptProbe = 5;")
        self.k.collect(failing)
        self.assertEqual(self.k.shell_reply(queued)["content"]["status"], "ok")
        self.assertEqual(self.k.value("keptProbe"), "5")

    def test_user_expressions(self):
        reply, _ = self.k.execute("int base = 20;", user_expressions={"next": "base + 1", "bad": "nosuchVariable"})
        ue = reply["user_expressions"]
        self.assertEqual(ue["next"]["status"], "ok")
        self.assertEqual(ue["next"]["data"]["text/plain"], "21")
        self.assertEqual(ue["bad"]["status"], "error")

    def test_partial_line_lands_in_its_own_cell(self):
        _, first = self.k.execute('System.out.print("no newline here")')
        _, second = self.k.execute('System.out.println("next cell")')
        self.assertEqual(stream_text(first), "no newline here")
        self.assertEqual(stream_text(second), "next cell\n")

    def test_output_streams_while_the_cell_runs(self):
        _, outputs = self.k.execute('System.out.println("tick"); Thread.sleep(800); System.out.println("tock");')
        streams = [m["content"]["text"] for m in outputs if m["msg_type"] == "stream"]
        self.assertEqual(streams, ["tick\n", "tock\n"], "each line should arrive as it is printed")

    def test_display_and_update_share_an_id(self):
        _, outputs = self.k.execute('String progress = display("step 1");\nupdateDisplay(progress, "step 2");')
        shown = [m for m in outputs if m["msg_type"] == "display_data"]
        updated = [m for m in outputs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shown), 1)
        self.assertEqual(len(updated), 1)
        self.assertEqual(shown[0]["content"]["transient"]["display_id"], updated[0]["content"]["transient"]["display_id"])
        self.assertEqual(updated[0]["content"]["data"]["text/plain"], "step 2")

    def test_buffered_image_is_a_valid_png(self):
        _, outputs = self.k.execute(
            "var img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);\n"
            "img.setRGB(3, 3, 0xff0000);\nimg")
        result = [m for m in outputs if m["msg_type"] == "execute_result"][0]
        png = base64.b64decode(result["content"]["data"]["image/png"])
        self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertTrue(png.endswith(b"IEND\xaeB`\x82"), "the PNG must be complete")

    def test_custom_renderer(self):
        self.k.execute('record Money(long cents) {}\n'
                       'renderers().register(Money.class, "text/html", m -> "<b>" + m.cents() / 100.0 + " EUR</b>");')
        _, outputs = self.k.execute("new Money(1250)")
        result = [m for m in outputs if m["msg_type"] == "execute_result"][0]
        self.assertEqual(result["content"]["data"]["text/html"], "<b>12.5 EUR</b>")

    def test_stdin_input_request(self):
        kc = self.k.kc
        msg_id = kc.execute('String name = input("Name? ");\n"hello " + name', allow_stdin=True)
        request = kc.get_stdin_msg(timeout=30)
        self.assertEqual(request["msg_type"], "input_request")
        self.assertEqual(request["content"]["prompt"], "Name? ")
        kc.input("Ada")
        reply, outputs = self.k.collect(msg_id)
        self.assertEqual(reply["status"], "ok")
        self.assertEqual([m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "hello Ada")

    def test_scanner_on_system_in(self):
        kc = self.k.kc
        msg_id = kc.execute("new Scanner(System.in).nextInt() * 2", allow_stdin=True)
        self.assertEqual(kc.get_stdin_msg(timeout=30)["msg_type"], "input_request")
        kc.input("21")
        reply, outputs = self.k.collect(msg_id)
        self.assertEqual([m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "42")

    def test_stdin_not_allowed_gives_end_of_input(self):
        reply, outputs = self.k.execute('String answer = input("?");\nString.valueOf(answer)', allow_stdin=False)
        self.assertEqual(reply["status"], "ok")
        with self.assertRaises(queue.Empty):
            self.k.kc.get_stdin_msg(timeout=0.5)
        self.assertIn("stdin is not available", stream_text(outputs, "stderr"))

    def test_completion_counts_code_points(self):
        code = 'String s = "\U0001F600"; Math.ma'
        msg_id = self.k.kc.complete(code, len(code))  # Python len counts code points, as the protocol does
        reply = self.k.shell_reply(msg_id)["content"]
        self.assertIn("max(", reply["matches"])
        self.assertEqual(reply["cursor_end"], len(code))
        self.assertEqual(reply["cursor_start"], len(code) - 2)

    def test_is_complete_indent(self):
        msg_id = self.k.kc.is_complete("for (int i = 0; i < 3; i++) {")
        reply = self.k.shell_reply(msg_id)["content"]
        self.assertEqual(reply["status"], "incomplete")
        self.assertEqual(reply["indent"], "    ")


class ErrorMessageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = harness.Kernel("alexlab")

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def test_compile_error_points_at_cell_line_and_column(self):
        reply, outputs = self.k.execute('int ok = 1;\nString text = 42;')
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "CompilationError")
        tb = "\n".join(reply["traceback"])
        self.assertIn(f"cell [{reply['execution_count']}] line 2, column 15", tb)
        self.assertIn("    String text = 42;\n", tb)
        self.assertIn("                  ^^", tb)
        self.assertNotIn("\x1b[", tb.split("\n", 1)[1], "colour only in the header line")

    def test_runtime_error_stack_is_cut_at_the_cell(self):
        self.k.execute("int divide(int a, int b) {\n    return a / b;\n}")
        reply, outputs = self.k.execute("int zero = 0;\ndivide(1, zero)")
        self.assertEqual(reply["ename"], "ArithmeticException")
        tb = reply["traceback"]
        self.assertEqual(tb[0], "\x1b[1;31mjava.lang.ArithmeticException\x1b[0m: / by zero")
        self.assertRegex(tb[1], r"at divide \(cell \[\d+\] line 2\)")
        self.assertEqual(tb[2], f"    at cell [{reply['execution_count']}] line 2")
        self.assertEqual(len(tb), 3, "nothing below the cell: " + "\n".join(tb))
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(errors[0]["content"]["traceback"], tb)

    def test_exception_cause_is_shown(self):
        reply, _ = self.k.execute('throw new RuntimeException("outer", new IllegalArgumentException("inner"));')
        self.assertTrue(any(l.startswith("Caused by: java.lang.IllegalArgumentException: inner") for l in reply["traceback"]))

    def test_later_statements_do_not_run_after_an_error(self):
        reply, _ = self.k.execute('int before = 1;\nObject o = null; o.hashCode();\nint after = 2;')
        self.assertEqual(reply["ename"], "NullPointerException")
        self.assertEqual(self.k.value("before"), "1")
        self.assertEqual(self.k.execute("after")[0]["status"], "error")


class MagicTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = harness.Kernel("alexlab")

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def test_lsmagic(self):
        _, outputs = self.k.execute("%lsmagic")
        text = stream_text(outputs)
        for name in ["%time", "%%time", "%%timeit", "%classpath", "%jars", "%lsmagic"]:
            self.assertIn(name, text)

    def test_time_line_and_cell(self):
        reply, outputs = self.k.execute("%time 6 * 7")
        self.assertIn("Wall time:", stream_text(outputs))
        self.assertEqual([m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "42")
        _, outputs = self.k.execute("%%time\nint t = 0;\nfor (int i = 0; i < 1000; i++) t += i;")
        self.assertIn("Wall time:", stream_text(outputs))
        self.assertEqual(self.k.value("t"), "499500")

    def test_timeit_reports_median_and_spread(self):
        reply, outputs = self.k.execute("%%timeit -n 1000 -r 5 -o\nMath.sqrt(2.0)")
        self.assertEqual(reply["status"], "ok", reply)
        text = stream_text(outputs)
        self.assertRegex(text, r"per loop \(median of 5 runs, 1,000 loops each; spread .+ … .+\)")
        self.assertTrue([m for m in outputs if m["msg_type"] == "execute_result"], "-o returns the result")

    def test_timeit_errors_point_into_the_body(self):
        reply, _ = self.k.execute("%%timeit -n 1 -r 1\nint a = 1;\nString b = a;")
        self.assertEqual(reply["ename"], "CompilationError")
        self.assertIn(f"cell [{reply['execution_count']}] line 3", reply["evalue"])

    def test_classpath_adds_a_jar(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "greet", "Greeter.java")
            os.makedirs(os.path.dirname(src))
            with open(src, "w") as f:
                f.write("package greet; public class Greeter { public String hi() { return \"hi from a jar\"; } }")
            subprocess.run(["javac", "--release", "17", "-d", os.path.join(tmp, "classes"), src], check=True)
            subprocess.run(["jar", "cf", os.path.join(tmp, "greeter.jar"), "-C", os.path.join(tmp, "classes"), "."], check=True)
            reply, outputs = self.k.execute(f"%jars {tmp}/*.jar")
            self.assertEqual(reply["status"], "ok", reply)
            self.assertIn("greeter.jar", stream_text(outputs))
            self.assertEqual(self.k.value("new greet.Greeter().hi()"), '"hi from a jar"'.strip('"'))

    def test_unknown_magic(self):
        reply, _ = self.k.execute("%nosuchmagic 1")
        self.assertEqual(reply["ename"], "MagicError")
        self.assertIn("unknown magic %nosuchmagic", reply["evalue"])

    def test_classpath_nothing_matches(self):
        reply, _ = self.k.execute("%classpath /nonexistent-dir/*.jar")
        self.assertEqual(reply["ename"], "MagicError")
        self.assertIn("nothing matches", reply["evalue"])


if __name__ == "__main__":
    unittest.main()
