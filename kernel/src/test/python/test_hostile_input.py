"""Hostile and malformed input on the wire: heartbeats of several frames, replayed and forged
messages, stray input replies, requests that could hang the shell thread, code that cannot
compile, and a fuzz of malformed frames. After each the kernel still answers, on every JDK."""
import json
import queue
import time
import unittest

import zmq

import harness

QUICK_S = 5.0  # "answers within a few seconds": far below the 60 s a frontend waits


class RawSocket:
    """A socket of our own on one of the kernel's ports, for frames a well-behaved client never sends."""

    def __init__(self, k, port_name, kind=zmq.DEALER):
        self.session = k.kc.session  # the connection's key: what we send is signed, unless a case says not
        self.sock = zmq.Context.instance().socket(kind)
        self.sock.linger = 0
        self.sock.connect(f"tcp://{k.km.ip}:{getattr(k.km, port_name)}")

    def send(self, frames):
        self.sock.send_multipart(frames)

    def signed(self, msg_type, content, header_changes=None):
        """The frames of a correctly signed message (header, parent, metadata and content as given)."""
        msg = self.session.msg(msg_type, content)
        msg["header"].update(header_changes or {})
        return self.session.serialize(msg)

    def sign_raw(self, header, parent, metadata, content):
        """Frames with the given raw JSON parts (bytes), signed: they pass authentication, not parsing."""
        parts = [header, parent, metadata, content]
        return [b"<IDS|MSG>", self.session.sign(parts)] + parts

    def reply(self, msg_id, timeout=QUICK_S):
        """The reply to msg_id on this socket, or None when none comes within the timeout."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.sock.poll(int(max(0.01, deadline - time.time()) * 1000)):
                return None
            frames = self.sock.recv_multipart()
            msg = self.session.deserialize(frames[frames.index(b"<IDS|MSG>") + 1:])
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg
        return None

    def close(self):
        self.sock.close()


def header_of(frames):
    return json.loads(frames[2])


class HostileInput:
    """The tests; a subclass per kernel under test runs them (see the end of this file)."""
    kernel_name = "alexlab"

    @classmethod
    def setUpClass(cls):
        cls.k = harness.Kernel(cls.kernel_name)

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def setUp(self):
        self.k.drain_iopub()
        self.shell = RawSocket(self.k, "shell_port")

    def tearDown(self):
        self.shell.close()

    def assert_still_answering(self, after=""):
        kc = self.k.kc
        msg_id = kc.kernel_info()
        self.assertEqual(self.k.shell_reply(msg_id, timeout=QUICK_S * 2)["content"]["status"], "ok", after)
        self.assertEqual(self.k.value("1 + 1"), "2", after)

    def timed_request(self, msg_type, content):
        """Sends a request through the client and returns (reply content, seconds it took)."""
        msg = self.k.kc.session.msg(msg_type, content)
        started = time.time()
        self.k.kc.shell_channel.send(msg)
        reply = self.k.shell_reply(msg["header"]["msg_id"], timeout=60)
        return reply["content"], time.time() - started

    # ---- heartbeat ---------------------------------------------------------------------------

    def test_heartbeat_echoes_a_message_of_several_frames_and_keeps_beating(self):
        hb = RawSocket(self.k, "hb_port", zmq.REQ)
        try:
            hb.send([b"first frame", b"second frame"])
            self.assertTrue(hb.sock.poll(int(QUICK_S * 1000)), "no echo of a two-frame ping")
            self.assertEqual(hb.sock.recv_multipart(), [b"first frame", b"second frame"])
            for i in range(3):
                hb.send([b"ping %d" % i])
                self.assertTrue(hb.sock.poll(int(QUICK_S * 1000)), f"heartbeat {i} after a two-frame ping unanswered")
                self.assertEqual(hb.sock.recv_multipart(), [b"ping %d" % i])
        finally:
            hb.close()
        self.assertTrue(self.k.kc.is_alive())
        self.assert_still_answering()

    # ---- replay ------------------------------------------------------------------------------

    def test_a_replayed_execute_request_runs_once(self):
        self.k.execute("List<Integer> replayHits = new ArrayList<>();")
        frames = self.shell.signed("execute_request", {
            "code": "replayHits.add(1);", "silent": False, "store_history": False,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        self.shell.send(frames)
        self.assertIsNotNone(self.shell.reply(header_of(frames)["msg_id"]), "the original was not answered")
        self.shell.send(frames)  # the very same frames, signature included
        self.assertIsNone(self.shell.reply(header_of(frames)["msg_id"], timeout=1.5), "the replay was answered")
        self.assertEqual(self.k.value("replayHits.size()"), "1", "the replayed request ran again")

    # ---- stdin -------------------------------------------------------------------------------

    def test_stray_input_replies_do_not_answer_a_prompt(self):
        kc = self.k.kc
        stdin = RawSocket(self.k, "stdin_port")
        try:
            # One before any prompt, and one after the prompt that answers some other request.
            stdin.send(stdin.signed("input_reply", {"value": "stale"}))
            time.sleep(0.5)
            msg_id = kc.execute('String answer = input("?");\nanswer', allow_stdin=True)
            request = kc.get_stdin_msg(timeout=30)
            self.assertEqual(request["msg_type"], "input_request")
            stray = stdin.session.msg("input_reply", {"value": "not for you"},
                                      parent={"msg_id": "some-other-request", "msg_type": "input_request"})
            stdin.send(stdin.session.serialize(stray))
            time.sleep(0.5)
            kc.input("proper answer")
            reply, outputs = self.k.collect(msg_id, timeout=30)
        finally:
            stdin.close()
        self.assertEqual(reply["status"], "ok")
        results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results, ["proper answer"])

    # ---- aborted cells -----------------------------------------------------------------------

    def test_cells_aborted_after_an_error_have_no_execution_count(self):
        kc = self.k.kc
        failing = kc.execute('Thread.sleep(700); throw new RuntimeException("fails");')
        queued = [kc.execute(f"int abortedNumber{i} = {i};") for i in range(3)]
        failed, _ = self.k.collect(failing)
        self.assertEqual(failed["status"], "error")
        self.assertIn("execution_count", failed)
        for msg_id in queued:
            content = self.k.shell_reply(msg_id)["content"]
            self.assertEqual(content["status"], "aborted")
            self.assertNotIn("execution_count", content, "an aborted cell did not run and has no number")
        self.assertEqual(self.k.execute("abortedNumber0")[0]["status"], "error", "an aborted cell ran")

    # ---- requests that could hang the shell thread ---------------------------------------------

    def test_completion_in_a_megabyte_of_code_answers_quickly(self):
        code = "int filler = 0;\n" * 65536 + "Math.ma"
        content, took = self.timed_request("complete_request", {"code": code, "cursor_pos": len(code)})
        self.assertLess(took, QUICK_S)
        self.assertEqual(content["status"], "ok")
        self.assertIn("max(", content["matches"])
        self.assertEqual((content["cursor_start"], content["cursor_end"]), (len(code) - 2, len(code)))

    def test_history_search_with_a_backtracking_pattern_answers_quickly(self):
        self.k.execute('String longEntry = "' + "a" * 5000 + '";', store_history=True)
        pattern = "*a" * 12 + "*b"
        content, took = self.timed_request("history_request", {
            "hist_access_type": "search", "pattern": pattern, "output": False, "raw": True, "n": 10})
        self.assertLess(took, QUICK_S)
        self.assertEqual(content["history"], [], "no entry ends in b")
        # The matcher still finds what it should: * anything, ? one character.
        content, _ = self.timed_request("history_request", {
            "hist_access_type": "search", "pattern": "String long?ntry = *a\";", "output": False, "raw": True})
        self.assertEqual(len(content["history"]), 1)

    def test_a_ten_megabyte_cell_is_refused_with_the_limit(self):
        code = "int x = 0;\n" * 950_000
        started = time.time()
        reply, _ = self.k.execute(code, timeout=60)
        took = time.time() - started
        # Twice the usual bound: the cell crosses the wire as JSON three times (request, execute_input).
        self.assertLess(took, 2 * QUICK_S)
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "CellTooLarge")
        self.assertIn("characters", reply["evalue"])
        self.assert_still_answering()

    def test_a_big_cell_of_many_statements_can_be_interrupted(self):
        self.k.execute("int statementsRun = 0;")
        code = "statementsRun++;\n" * 20_000  # no declarations: they would slow every later cell
        msg_id = self.k.kc.execute(code)
        time.sleep(1)
        started = time.time()
        self.k.km.interrupt_kernel()
        reply = self.k.shell_reply(msg_id, timeout=60)["content"]
        took = time.time() - started
        self.k.iopub_until_idle(msg_id)
        self.assertLess(took, QUICK_S)
        self.assertEqual(reply["ename"], "Interrupted", reply)
        stopped_at = int(self.k.value("statementsRun"))
        self.assertLess(stopped_at, 20_000, "the whole cell ran")
        self.assertEqual(self.k.value("Thread.sleep(500);\nstatementsRun"), str(stopped_at), "the cell goes on running")
        self.assert_still_answering()

    # ---- is_complete -------------------------------------------------------------------------

    def test_is_complete_tells_invalid_from_incomplete(self):
        expected = {
            "int 3x = 1;": "invalid",
            "int x = 1;\nint 3y = 2;\nfor (int i = 0; i < 3; i++) {": "invalid",
            "for (int i = 0; i < 3; i++) {": "incomplete",
            "1+1": "complete",
            "Math.max(1, 2)": "complete",
            "import java.util.function.*;\nint twice(int x) { return 2 * x; }\ntwice(3)": "complete",
            "class Point { int x; }": "complete",
            "undefinedName.call();": "complete",  # compiling is not the question: only parsing is
        }
        for code, status in expected.items():
            with self.subTest(code=code):
                content, took = self.timed_request("is_complete_request", {"code": code})
                self.assertEqual(content["status"], status)
                self.assertLess(took, QUICK_S)

    # ---- protocol fuzzing --------------------------------------------------------------------

    def fuzz_cases(self):
        """(label, frames, field a reply must name or None when the message is to be refused silently)."""
        s = self.shell
        run = {"code": "fuzzRuns++;", "silent": False, "store_history": False, "user_expressions": {},
               "allow_stdin": False, "stop_on_error": False}
        h = s.session.pack(s.session.msg_header("execute_request"))
        c = json.dumps(run).encode()
        signed = s.signed("execute_request", run)
        info = s.signed("kernel_info_request", {})
        cases = [
            ("no delimiter", [b"just", b"frames"], None),
            ("delimiter only", [b"<IDS|MSG>"], None),
            ("too few frames", [b"<IDS|MSG>", b"sig", h], None),
            ("empty frames", [b"<IDS|MSG>", b"", b"", b"", b"", b""], None),
            ("unsigned", [b"<IDS|MSG>", b"", h, b"{}", b"{}", c], None),
            ("wrongly signed", [b"<IDS|MSG>", b"0" * 64, h, b"{}", b"{}", c], None),
            ("signature of another message", [b"<IDS|MSG>", signed[1], h, b"{}", b"{}", c], None),
            ("non-UTF-8 header", s.sign_raw(b"\xff\xfe\x80", b"{}", b"{}", c), None),
            ("bad JSON header", s.sign_raw(b'{"msg_type": ', b"{}", b"{}", c), None),
            ("bad JSON content", s.sign_raw(h, b"{}", b"{}", b"{]"), None),
            ("header a list", s.sign_raw(b"[1, 2]", b"{}", b"{}", c), None),
            ("header a string", s.sign_raw(b'"execute_request"', b"{}", b"{}", c), None),
            ("header without msg_type", s.sign_raw(b'{"msg_id": "x"}', b"{}", b"{}", c), None),
            ("content a list", s.sign_raw(h, b"{}", b"{}", b"[1, 2, 3]"), None),
            ("content a number", s.sign_raw(h, b"{}", b"{}", b"42"), None),
            ("parent a list", s.sign_raw(h, b"[]", b"{}", c), None),
            ("metadata a string", s.sign_raw(h, b"{}", b'"meta"', c), None),
            ("deeply nested content", s.sign_raw(h, b"{}", b"{}", b'{"code": ' + b"[" * 100000 + b"]" * 100000 + b"}"),
             None),
            ("msg_type a number", s.signed("execute_request", run, {"msg_type": 17}), None),
            ("msg_type a list", s.signed("execute_request", run, {"msg_type": ["execute_request"]}), None),
            ("msg_type an object", s.signed("execute_request", run, {"msg_type": {"a": 1}}), None),
            ("msg_id an object", s.signed("execute_request", run, {"msg_id": {"a": 1}}), "msg_id"),
            ("session a list", s.signed("execute_request", run, {"session": [1]}), "session"),
            ("code a number", s.signed("execute_request", {**run, "code": 12}), "code"),
            ("code a list", s.signed("execute_request", {**run, "code": ["fuzzRuns++;"]}), "code"),
            ("silent a string", s.signed("execute_request", {**run, "silent": "no"}), "silent"),
            ("store_history a list", s.signed("execute_request", {**run, "store_history": []}), "store_history"),
            ("allow_stdin a string", s.signed("execute_request", {**run, "allow_stdin": "yes"}), "allow_stdin"),
            ("stop_on_error a number", s.signed("execute_request", {**run, "stop_on_error": 2}), "stop_on_error"),
            ("user_expressions a list", s.signed("execute_request", {**run, "user_expressions": ["1"]}),
             "user_expressions"),
            ("user expression a number", s.signed("execute_request", {**run, "user_expressions": {"a": 1}}),
             "user_expressions"),
            ("cursor_pos a string", s.signed("complete_request", {"code": "Math.ma", "cursor_pos": "7"}), "cursor_pos"),
            ("cursor_pos a fraction", s.signed("complete_request", {"code": "Math.ma", "cursor_pos": 2.5}), "cursor_pos"),
            ("inspect code an object", s.signed("inspect_request", {"code": {}, "cursor_pos": 1}), "code"),
            ("detail_level a string", s.signed("inspect_request", {"code": "Math", "cursor_pos": 1,
                                                                    "detail_level": "x"}), "detail_level"),
            ("is_complete code a number", s.signed("is_complete_request", {"code": 5}), "code"),
            ("history n a string", s.signed("history_request", {"hist_access_type": "tail", "n": "10"}), "n"),
            ("history pattern a list", s.signed("history_request", {"hist_access_type": "search", "pattern": ["*"]}),
             "pattern"),
            ("hist_access_type a number", s.signed("history_request", {"hist_access_type": 3}), "hist_access_type"),
            ("shutdown restart a string", s.signed("shutdown_request", {"restart": "soon"}), "restart"),
            ("comm_open comm_id a list", s.signed("comm_open", {"comm_id": [], "target_name": "x"}), None),
            ("unknown request", s.signed("no_such_request", {}), "no_such_request"),
            ("empty msg_type", s.signed("execute_request", run, {"msg_type": ""}), None),
            ("huge content", s.signed("execute_request", {**run, "code": "fuzzRuns++; //" + "x" * 5_000_000}),
             "CellTooLarge"),
            ("kernel_info", info, "kernel_info_reply"),
            ("replayed kernel_info", info, None),
            ("huge unknown field", s.signed("kernel_info_request", {"junk": "y" * 5_000_000}), "kernel_info_reply"),
        ]
        for label, cursor in [("huge", 10 ** 30), ("negative", -5), ("past the end", 10 ** 6), ("int overflow", 2 ** 31)]:
            cases.append((f"cursor_pos {label}", s.signed("complete_request", {"code": "Math.ma", "cursor_pos": cursor}),
                          "complete_reply"))
            cases.append((f"inspect cursor_pos {label}",
                          s.signed("inspect_request", {"code": "Math.max", "cursor_pos": cursor}), "inspect_reply"))
        return cases

    def test_malformed_and_hostile_messages(self):
        self.k.execute("int fuzzRuns = 0;")
        cases = self.fuzz_cases()
        survived, failures = 0, []
        for label, frames, must_name in cases:
            try:
                self.shell.send(frames)
                if must_name is not None:
                    reply = self.shell.reply(header_of(frames)["msg_id"], timeout=10)
                    self.assertIsNotNone(reply, f"{label}: no reply")
                    if must_name.endswith("_reply"):
                        self.assertEqual(reply["msg_type"], must_name, label)
                    else:
                        self.assertIn(must_name, json.dumps(reply["content"], default=str),
                                      f"{label}: the reply does not name it")
                        self.assertEqual(reply["content"]["status"], "error", label)
                self.assert_still_answering(label)
                if must_name is None:  # by now the kernel has read it, and a reply would be here
                    self.assertFalse(self.shell.sock.poll(50), f"{label}: a message to refuse was answered")
                survived += 1
            except Exception as e:
                failures.append(f"{label}: {e}")
        print(f"\n[{self.kernel_name}] hostile input: {len(cases)} cases, {survived} survived")
        self.assertEqual(failures, [])
        self.assertEqual(self.k.value("fuzzRuns"), "0", "a refused or malformed request was executed")


# One test class per kernel under test (JDK 17, JDK 25, ...), so a failure names its JDK.
for _name in harness.kernel_names():
    _cls = type(f"HostileInput_{_name.replace('-', '_')}", (HostileInput, unittest.TestCase), {"kernel_name": _name})
    globals()[_cls.__name__] = _cls
del _name, _cls

if __name__ == "__main__":
    unittest.main()
