"""Talks to a real AlexLab kernel through jupyter_client, as a notebook frontend does.

The kernels under test are named by ALEXLAB_TEST_KERNELS (space separated, default "alexlab"):
install.sh adds a kernelspec per extra JDK so that every test runs on JDK 17 and on newer JDKs.
"""
import os
import queue
import time

from jupyter_client.manager import start_new_kernel

TIMEOUT = 60


def kernel_names():
    return os.environ.get("ALEXLAB_TEST_KERNELS", "alexlab").split()


class Kernel:
    """A started kernel and a client connected to it."""

    def __init__(self, name="alexlab", env=None):
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.name = name
        self.km, self.kc = start_new_kernel(kernel_name=name, startup_timeout=TIMEOUT, env=full_env)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def drain_iopub(self):
        while True:
            try:
                self.kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                return

    def execute(self, code, timeout=TIMEOUT, **kwargs):
        """Runs a cell; returns (reply content, [iopub messages for it up to idle])."""
        msg_id = self.kc.execute(code, **kwargs)
        return self.collect(msg_id, timeout)

    def collect(self, msg_id, timeout=TIMEOUT):
        reply = self.shell_reply(msg_id, timeout)
        outputs = self.iopub_until_idle(msg_id, timeout)
        return reply["content"], outputs

    def shell_reply(self, msg_id, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while True:
            msg = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def iopub_until_idle(self, msg_id, timeout=TIMEOUT):
        deadline = time.time() + timeout
        outputs = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return outputs
            outputs.append(msg)

    def value(self, code):
        """The text/plain result of a cell that must succeed."""
        reply, outputs = self.execute(code)
        assert reply["status"] == "ok", f"{code!r} failed: {reply}"
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        assert results, f"{code!r} gave no result: {outputs}"
        return results[-1]["content"]["data"]["text/plain"]


def stream_text(outputs, name="stdout"):
    return "".join(m["content"]["text"] for m in outputs
                   if m["msg_type"] == "stream" and m["content"]["name"] == name)
