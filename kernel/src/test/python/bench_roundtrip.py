"""Benchmark, not a test: how fast the kernel answers kernel_info after its process starts, and
the round trip of `1+1` (execute_request sent -> idle status received), through jupyter_client.

Two round trips are printed side by side:
  wire      jupyter_client's Session signs and reads the messages on plain ZeroMQ sockets: the
            kernel's own latency, as a frontend with a fast event loop sees it;
  frontend  BlockingKernelClient.execute_interactive: adds that client's own asyncio overhead.

usage: bench_roundtrip.py [KERNEL_NAME] [--idle SECONDS]
  --idle: wait this long after the first cell (a student reading) before measuring; default 0.
"""
import argparse
import statistics
import time

import zmq
from jupyter_client.manager import KernelManager

parser = argparse.ArgumentParser()
parser.add_argument("kernel", nargs="?", default="alexlab")
parser.add_argument("--idle", type=float, default=0.0)
parser.add_argument("-n", type=int, default=50)
args = parser.parse_args()
name = args.kernel

km = KernelManager(kernel_name=name)
started = time.perf_counter()
km.start_kernel()
kc = km.client()
kc.start_channels()
# Ask every 50 ms until the first answer: the sockets are not bound at once after the process starts.
first_reply = None
sent = set()
while first_reply is None:
    sent.add(kc.kernel_info())
    try:
        reply = kc.get_shell_msg(timeout=0.05)
        if reply["parent_header"].get("msg_id") in sent:
            first_reply = time.perf_counter() - started
    except Exception:
        pass
print(f"{name}: kernel_info_reply {first_reply * 1000:.0f} ms after the process was started")


def frontend_round_trip():
    t = time.perf_counter()
    kc.execute_interactive("1+1", timeout=60, output_hook=lambda m: None)
    return (time.perf_counter() - t) * 1000


first = frontend_round_trip()
print(f"{name}: first cell {first:.0f} ms")
if args.idle:
    time.sleep(args.idle)
kc.stop_channels()

# Wire level: our own sockets, signed and parsed by jupyter_client's Session.
session = km.session
context = zmq.Context.instance()
shell = context.socket(zmq.DEALER)
shell.connect(km._make_url("shell"))
iopub = context.socket(zmq.SUB)
iopub.setsockopt(zmq.SUBSCRIBE, b"")
iopub.connect(km._make_url("iopub"))
time.sleep(0.5)  # let the subscription reach the kernel


def wire_round_trip():
    t = time.perf_counter()
    msg = session.send(shell, "execute_request", {"code": "1+1", "silent": False, "store_history": True,
                                                  "user_expressions": {}, "allow_stdin": False})
    replied = idle = False
    poller = zmq.Poller()
    poller.register(shell, zmq.POLLIN)
    poller.register(iopub, zmq.POLLIN)
    while not (replied and idle):
        for sock, _ in poller.poll(60000):
            _, frames = session.feed_identities(sock.recv_multipart())
            m = session.deserialize(frames, content=True)
            if m["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                continue
            if sock is shell:
                replied = True
            elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                idle = True
    return (time.perf_counter() - t) * 1000


wire = [wire_round_trip() for _ in range(args.n)]
kc = km.client()
kc.start_channels()
frontend = [frontend_round_trip() for _ in range(args.n)]


def summary(times):
    return (f"median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}, "
            f"first 10 median {statistics.median(times[:10]):.1f}, n={len(times)})")


print(f"{name}: 1+1 round trip, wire:     {summary(wire)}")
print(f"{name}: 1+1 round trip, frontend: {summary(frontend)}")
kc.stop_channels()
km.shutdown_kernel(now=True)
