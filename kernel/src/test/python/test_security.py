"""Security: messages with a wrong or missing HMAC signature are not executed and the kernel goes
on serving signed ones; the sockets listen only on the connection file's address."""
import os
import tempfile
import time
import unittest

import zmq
from jupyter_client.session import Session

import harness


class SecurityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = harness.Kernel("alexlab")

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def send_forged(self, key, code):
        km = self.k.km
        forger = Session(key=key, signature_scheme="hmac-sha256")
        ctx = zmq.Context.instance()
        sock = ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(f"tcp://{km.ip}:{km.shell_port}")
        forger.send(sock, "execute_request", {"code": code, "silent": False, "store_history": True,
                                              "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        time.sleep(2)
        sock.close()

    def test_forged_messages_are_not_executed(self):
        with tempfile.TemporaryDirectory() as tmp:
            for label, key in [("wrong signature", b"not-the-key"), ("no signature", b"")]:
                with self.subTest(label):
                    target = os.path.join(tmp, label.replace(" ", "-"))
                    code = f'java.nio.file.Files.writeString(java.nio.file.Path.of("{target}"), "forged");'
                    self.send_forged(key, code)
                    self.assertFalse(os.path.exists(target), f"a message with {label} was executed")
                    # The same code, signed, runs: the test could have failed.
                    reply, _ = self.k.execute(code)
                    self.assertEqual(reply["status"], "ok")
                    self.assertTrue(os.path.exists(target))

    def test_garbage_frames_do_not_stop_the_kernel(self):
        km = self.k.km
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(f"tcp://{km.ip}:{km.shell_port}")
        sock.send_multipart([b"<IDS|MSG>", b"sig"])
        sock.send_multipart([b"nonsense"])
        time.sleep(0.5)
        sock.close()
        self.assertEqual(self.k.value("40 + 2"), "42")

    def test_sockets_listen_only_on_the_connection_address(self):
        km = self.k.km
        ports = {km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port}
        self.assertEqual(km.ip, "127.0.0.1")
        listening = {}
        for table in ["/proc/net/tcp", "/proc/net/tcp6"]:
            if not os.path.exists(table):
                continue
            with open(table) as f:
                next(f)
                for line in f:
                    local, state = line.split()[1], line.split()[3]
                    addr, port = local.rsplit(":", 1)
                    if state == "0A" and int(port, 16) in ports:  # 0A = LISTEN
                        listening.setdefault(int(port, 16), []).append(addr)
        self.assertEqual(set(listening), ports, "every kernel port listens")
        loopback = {"0100007F", "0000000000000000FFFF00000100007F"}  # 127.0.0.1, or it mapped into IPv6
        for port, addrs in listening.items():
            self.assertTrue(set(addrs) <= loopback, f"port {port} listens on {addrs}, not only 127.0.0.1")


if __name__ == "__main__":
    unittest.main()
