"""Starts the kernel many times and runs one first cell at once, under CPU load: no start may hang.

    /usr/bin/python3 kernel/src/test/python/reliability/first_cell_starts.py [--starts 500] [--load 2]
        [--kernel alexlab] [--timeout 120] [--out build/reliability/first-cell]

The first cell is notebook 06's (CUDA probe, data note, CPU facts): it arrived while the kernel was
still loading ND4J's native libraries. A start that gives no reply within --timeout keeps, under
--out, the kernel's own stdout and stderr, a Java thread dump, and every thread's native stack (gdb),
and counts as a hang. The last line is 'first cell: N starts, N hangs, reply times ...'.
"""
import argparse
import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import time

from jupyter_client import KernelManager

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", ".."))


def first_cell_of(notebook):
    with open(notebook, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    return next("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def busy_processes(count):
    """Processes that each keep one core busy (what two other users of a 2-core machine would do)."""
    spin = "while True: pass"
    return [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(count)]


def run_and_keep(cmd, path, timeout):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        text = out.stdout + out.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        text = f"{cmd[0]} did not finish: {e}"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def keep_evidence(pid, folder):
    """What a hang looks like from outside: Java threads, native stacks, each thread's kernel state."""
    run_and_keep(["jstack", "-l", str(pid)], os.path.join(folder, "jstack.txt"), 30)
    run_and_keep(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt"],
                 os.path.join(folder, "gdb.txt"), 120)
    states = []
    for tid in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/wchan") as f:
                wchan = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                state = f.read().split(") ", 1)[1].split()[0]
            states.append(f"{tid} {state} {wchan} {name}")
        except OSError:
            pass
    with open(os.path.join(folder, "threads.txt"), "w") as f:
        f.write("\n".join(states) + "\n")
    os.kill(pid, signal.SIGQUIT)  # HotSpot prints its own dump to the kernel's stdout, kept on disk
    time.sleep(3)


def one_start(kernel, code, timeout, folder):
    """Returns the seconds from the cell's request to its reply, or None when it hung."""
    os.makedirs(folder, exist_ok=True)
    out = open(os.path.join(folder, "kernel-stdout.txt"), "w")
    err = open(os.path.join(folder, "kernel-stderr.txt"), "w")
    km = KernelManager(kernel_name=kernel)
    km.start_kernel(stdout=out, stderr=err)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
        sent = time.time()
        msg_id = kc.execute(code)
        while True:
            try:
                reply = kc.get_shell_msg(timeout=max(0.1, sent + timeout - time.time()))
            except queue.Empty:
                keep_evidence(km.provisioner.process.pid, folder)
                return None
            if reply["parent_header"].get("msg_id") == msg_id:
                if reply["content"]["status"] != "ok":
                    raise AssertionError(f"the first cell failed: {reply['content']}")
                return time.time() - sent
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        out.close()
        err.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--starts", type=int, default=500)
    parser.add_argument("--load", type=int, default=2, help="busy processes beside the kernel")
    parser.add_argument("--kernel", default=os.environ.get("ALEXLAB_TEST_KERNELS", "alexlab").split()[0])
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--out", default=os.path.join(REPO, "build", "reliability", "first-cell"))
    parser.add_argument("--notebook", default=os.path.join(REPO, "notebooks", "06-batch-size.ipynb"))
    args = parser.parse_args()
    code = first_cell_of(args.notebook)
    shutil.rmtree(args.out, ignore_errors=True)
    load = busy_processes(args.load)
    times, hangs = [], []
    try:
        for i in range(1, args.starts + 1):
            folder = os.path.join(args.out, f"start-{i:04d}")
            seconds = one_start(args.kernel, code, args.timeout, folder)
            if seconds is None:
                hangs.append(i)
                print(f"start {i}: HUNG, evidence in {folder}", flush=True)
            else:
                times.append(seconds)
                shutil.rmtree(folder)  # only hangs are kept
                print(f"start {i}: reply in {seconds:.1f} s", flush=True)
    finally:
        for p in load:
            p.kill()
    spread = (f"reply times median {statistics.median(times):.1f} s, max {max(times):.1f} s"
              if times else "no replies")
    print(f"first cell: {args.starts} starts under {args.load} busy processes, {len(hangs)} hangs, {spread}")
    sys.exit(1 if hangs else 0)


if __name__ == "__main__":
    main()
