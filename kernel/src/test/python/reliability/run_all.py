"""Runs the long reliability checks, one script after another, each against a real kernel:
too slow for ./install.sh test (whose quick versions run there), run by ./install.sh reliability.

Each script here is standalone (see its own --help) and ends with a one-line summary; this prints
those lines again at the end, and 'reliability: N passed, N failed'.
"""
import glob
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    scripts = sorted(p for p in glob.glob(os.path.join(HERE, "*.py"))
                     if os.path.basename(p) != os.path.basename(__file__) and not os.path.basename(p).startswith("_"))
    summaries, failed = [], 0
    for script in scripts:
        name = os.path.basename(script)
        print(f"==> {name}", flush=True)
        started = time.time()
        lines = []
        with subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) as p:
            for line in p.stdout:
                print(line, end="", flush=True)
                if line.strip():
                    lines.append(line.strip())
        ok = p.returncode == 0
        failed += not ok
        last = lines[-1] if lines else "(no output)"
        summaries.append(f"{'passed' if ok else 'FAILED'}  {name} ({time.time() - started:.0f} s): {last}")
    print("\n".join(["", "reliability summary:"] + summaries))
    print(f"reliability: {len(scripts) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not scripts else 0)


if __name__ == "__main__":
    main()
