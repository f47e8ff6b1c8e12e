"""Benchmark, not a test: how fast the kernel answers kernel_info after its process starts, and
the median round trip of `1+1` (execute_request to the idle status), through jupyter_client."""
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

name = sys.argv[1] if len(sys.argv) > 1 else "alexlab"
km = KernelManager(kernel_name=name)
started = time.perf_counter()
km.start_kernel()
kc = km.client()
kc.start_channels()
first_reply = None
while first_reply is None:
    msg_id = kc.kernel_info()
    try:
        reply = kc.get_shell_msg(timeout=0.05)
        if reply["parent_header"].get("msg_id") == msg_id:
            first_reply = time.perf_counter() - started
    except Exception:
        pass
print(f"{name}: kernel_info_reply {first_reply * 1000:.0f} ms after the process was started")

def round_trip():
    t = time.perf_counter()
    kc.execute_interactive("1+1", timeout=60, output_hook=lambda m: None)
    return (time.perf_counter() - t) * 1000

first = round_trip()
for _ in range(30):  # warm-up
    round_trip()
times = [round_trip() for _ in range(50)]
print(f"{name}: first cell {first:.0f} ms; 1+1 round trip median {statistics.median(times):.1f} ms "
      f"(min {min(times):.1f}, max {max(times):.1f}, n={len(times)})")
kc.stop_channels()
km.shutdown_kernel(now=True)
