"""The whole test suite, as ./install.sh test runs it after setup (standard library only).

Usage: ./install.sh test

Sets up, then runs every stage, continuing after a failed one:
  1. JUnit: mvn -B test
  2. kernelspecs alexlab-jdkNN for each further JDK 21+ (ALEXLAB_TEST_JDKS="HOME..." or the
     JDKs under /usr/lib/jvm), written to build/test-jupyter/kernels
  3. protocol tests: kernel/src/test/python/run_tests.py (ALEXLAB_TEST_KERNELS names the kernels)
  4. notebooks/*.ipynb, executed into build/executed/notebooks/, then `lessons.py verify` on every
     lesson in lessons/source/ (each proven sound, its release current); the notebooks run
     with the smallest budget the notebooks advertise, ALEXLAB_EPOCHS=1 ALEXLAB_DATASET_LIMIT=2000,
     on the bundled data subset (ALEXLAB_DATA=datasets/fashion-mnist-small), unless these are set,
     so the result does not depend on what data the machine has
The last line is "tests: N passed, N failed, N skipped". Exits 0 only if everything passed.
It leaves the user's installed kernelspec alone and downloads no data.

Environment: ALEXLAB_TEST_JDKS, ALEXLAB_CELL_TIMEOUT (seconds per cell, default 600),
ALEXLAB_EPOCHS, ALEXLAB_DATASET_LIMIT and ALEXLAB_DATA (the notebooks' budget and data).

install.sh calls it with JAVA_HOME (the kernel's JDK), ALEXLAB_CUDA_LIBRARY_PATH (the CUDA folders
found, maybe empty) and JUPYTER_PATH (this checkout's kernelspec first) set; `suite.py reliability`
writes the same kernelspecs, then runs reliability/run_all.py.
"""
import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
BUILD = os.path.join(REPO, "build")
TARGET = os.path.join(REPO, "kernel", "target")
KERNEL_NAME = "alexlab"
MIN_JDK, MIN_EXTRA_JDK = 17, 21  # the release the kernel is compiled for; newer ones are tested too (JShell changed in 20+)
PYTHON = [sys.executable, "-Xfrozen_modules=off"]
PYTHON_TOOLS = os.path.join(REPO, "kernel", "src", "main", "python")

sys.path.insert(0, PYTHON_TOOLS)
from kernelspecs import write as write_kernelspec  # noqa: E402  the one kernelspec writer, also setup's


def say(text):
    print("==> " + text, flush=True)


def note(text):
    print("    " + text, flush=True)


class Tally:
    """The suite's counts. A stage that failed without a failed test to show for it (a compile error,
    a crash) still counts as one failure, so the summary never hides it."""

    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def add(self, passed, failed, skipped, rc):
        if rc != 0 and failed == 0:
            failed = 1
        self.passed += passed
        self.failed += failed
        self.skipped += skipped
        return rc == 0


def run_logged(command, log, env=None, strip_colour=False):
    """Runs command, its output to the terminal and to log (None: terminal only); returns its exit status."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                          env=env, cwd=REPO) as process, open(log or os.devnull, "w", encoding="utf-8") as out:
        for line in process.stdout:
            if strip_colour:  # Debian's Maven 3.8 prints colour resets even in batch mode
                line = re.sub(r"\x1b\[[0-9;]*m", "", line)
            sys.stdout.write(line)
            sys.stdout.flush()
            out.write(line)
    return process.returncode


def counts_from_log(prefix, log):
    """(passed, failed, skipped) from the last line of log that starts with "prefix: N passed, ..."."""
    found = (0, 0, 0)
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(prefix + r": (\d+) passed, (\d+) failed, (\d+) skipped", line)
            if m:
                found = tuple(int(n) for n in m.groups())
    return found


def junit_counts():
    """Surefire writes one XML file per test class and run (surefire-reports: the whole suite;
    surefire-reports-plain: the blocks again on ND4J's plain build); failures and errors both count as failed."""
    tests = failed = skipped = 0
    for path in glob.glob(os.path.join(TARGET, "surefire-reports*", "TEST-*.xml")):
        root = ET.parse(path).getroot()
        for suite in ([root] if root.tag == "testsuite" else root.iter("testsuite")):
            tests += int(suite.get("tests", 0))
            failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped += int(suite.get("skipped", 0))
            for case in suite.iter("testcase"):  # say why each skipped test did not run
                for skip in case.iter("skipped"):
                    print(f"    skipped {case.get('classname', '').rsplit('.', 1)[-1]}.{case.get('name')}: "
                          f"{skip.get('message') or 'no reason given'}", file=sys.stderr)
    return tests - failed - skipped, failed, skipped


def with_cuda(env):
    """env with the CUDA folders setup found first on LD_LIBRARY_PATH (the GPU tests need them, as the kernel does)."""
    cuda = os.environ.get("ALEXLAB_CUDA_LIBRARY_PATH", "")
    env = dict(env)
    env["LD_LIBRARY_PATH"] = ":".join(p for p in [cuda, env.get("LD_LIBRARY_PATH", "")] if p)
    return env


def stage_junit(tally):
    say("stage 1/4: JUnit (mvn test)")
    for reports in glob.glob(os.path.join(TARGET, "surefire-reports*")):  # no stale reports
        subprocess.run(["rm", "-rf", reports], check=True)
    rc = run_logged(["mvn", "-B", "test"], None, env=with_cuda(os.environ), strip_colour=True)
    try:
        counts = junit_counts()
    except (OSError, ET.ParseError):
        counts = (0, 0, 0)
    return tally.add(*counts, rc)


def java_feature(java):
    """The feature release a java binary reports (17, 25; 8 for "1.8.0_392"), or None."""
    try:
        text = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r' version "(?:1\.)?(\d+)', text)
    return int(m.group(1)) if m else None


def write_test_kernelspecs():
    """A kernelspec alexlab-jdkNN per further JDK, in build/test-jupyter; sets JUPYTER_PATH and
    ALEXLAB_TEST_KERNELS (this checkout's kernel first) for the tests that talk to kernels."""
    kernels, ok = [KERNEL_NAME], True
    out = os.path.join(BUILD, "test-jupyter", "kernels")
    subprocess.run(["rm", "-rf", out], check=True)
    os.makedirs(out)
    explicit = "ALEXLAB_TEST_JDKS" in os.environ
    if explicit:
        homes = os.environ["ALEXLAB_TEST_JDKS"].split()
    else:
        homes = sorted(h.rstrip("/") for h in glob.glob("/usr/lib/jvm/*/"))
    kernel_jdk = os.path.realpath(os.environ.get("JAVA_HOME", ""))
    for home in homes:
        feature = java_feature(os.path.join(home, "bin", "java"))
        if feature is None:
            if explicit:
                note(f"not a JDK: {home}")
                ok = False
            continue
        # Named ones are the user's choice (any the kernel supports); found ones only if newer.
        if explicit:
            if feature < MIN_JDK:
                note(f"JDK {feature} is older than {MIN_JDK}: {home}")
                ok = False
                continue
        elif feature < MIN_EXTRA_JDK or os.path.realpath(home) == kernel_jdk:
            continue
        name = f"{KERNEL_NAME}-jdk{feature}"
        if name in kernels:  # two copies of one release: test one
            continue
        if write_kernelspec(os.path.join(home, "bin", "java"), out, name, f"Java (AlexLab, JDK {feature})"):
            kernels.append(name)
            note(f"{name}: {home}")
        else:
            note(f"could not write a kernelspec with {home}/bin/java")
            ok = False
    if len(kernels) == 1:
        note(f"no further JDK found; testing {KERNEL_NAME} only")
    # jupyter_client finds kernelspecs in $JUPYTER_PATH/kernels, besides the installed ones.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in [os.path.join(BUILD, "test-jupyter"),
                                                              os.environ.get("JUPYTER_PATH", "")] if p)
    os.environ["ALEXLAB_TEST_KERNELS"] = " ".join(kernels)
    note(f'ALEXLAB_TEST_KERNELS="{os.environ["ALEXLAB_TEST_KERNELS"]}"')
    return ok


def stage_jdk_matrix(tally):
    say(f"stage 2/4: kernelspecs for further JDKs ({MIN_EXTRA_JDK}+)")
    return tally.add(0, 0, 0, 0 if write_test_kernelspecs() else 1)


def stage_protocol(tally):
    say("stage 3/4: protocol tests")
    log = os.path.join(BUILD, "test-logs", "protocol.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    rc = run_logged(PYTHON + [os.path.join(HERE, "run_tests.py")], log)
    return tally.add(*counts_from_log("python", log), rc)


def stage_notebooks(tally):
    say("stage 4/4: notebooks and lessons")
    os.makedirs(os.path.join(BUILD, "test-logs"), exist_ok=True)
    # The test budget: the smallest the notebooks advertise, 1 epoch on at most 2000 images, unless
    # told otherwise. Unset, a notebook uses its own (full) budget, as ./install.sh run does.
    os.environ.setdefault("ALEXLAB_EPOCHS", "1")
    os.environ.setdefault("ALEXLAB_DATASET_LIMIT", "2000")
    note(f"training budget: ALEXLAB_EPOCHS={os.environ['ALEXLAB_EPOCHS']} "
         f"ALEXLAB_DATASET_LIMIT={os.environ['ALEXLAB_DATASET_LIMIT']}")
    # The data: the bundled subset, whatever else this machine has, unless the caller names a folder.
    if os.environ.get("ALEXLAB_DATA"):
        note(f"data: ALEXLAB_DATA={os.environ['ALEXLAB_DATA']} (set by the caller)")
    else:
        os.environ["ALEXLAB_DATA"] = os.path.join(REPO, "datasets", "fashion-mnist-small")
        note("data: the bundled subset, ALEXLAB_DATA=datasets/fashion-mnist-small (set ALEXLAB_DATA to test on other data)")
    ok = True
    files = sorted(os.path.relpath(p, REPO) for p in glob.glob(os.path.join(REPO, "notebooks", "*.ipynb")))
    executed = os.path.join(BUILD, "executed", "notebooks")
    subprocess.run(["rm", "-rf", executed], check=True)
    log = os.path.join(BUILD, "test-logs", "notebooks.log")
    rc = run_logged(PYTHON + [os.path.join(PYTHON_TOOLS, "run_notebooks.py"), "--out", executed, *files], log)
    ok &= tally.add(*counts_from_log("notebooks", log), rc)
    # The lessons: each teacher's source proven sound and its committed student release current.
    if glob.glob(os.path.join(REPO, "lessons", "source", "*.ipynb")):
        log = os.path.join(BUILD, "test-logs", "lessons.log")
        rc = run_logged(PYTHON + [os.path.join(PYTHON_TOOLS, "lessons.py"), "verify"], log)
        ok &= tally.add(*counts_from_log("lessons", log), rc)
    else:
        note("no lessons/source/*.ipynb yet")
    # The kernel tour once more through Jupyter's own command line, as users run notebooks.
    welcome = "notebooks/00-welcome.ipynb"
    if os.path.isfile(os.path.join(REPO, welcome)):
        log = os.path.join(BUILD, "test-logs", "nbconvert.log")
        with open(log, "w", encoding="utf-8") as out:
            rc = subprocess.run(PYTHON + ["-m", "nbconvert", "--to", "notebook", "--execute",
                                          "--ExecutePreprocessor.kernel_name=" + KERNEL_NAME,
                                          "--output-dir", os.path.join(BUILD, "nbconvert"), welcome],
                                cwd=REPO, stdout=out, stderr=subprocess.STDOUT).returncode
        if rc == 0:
            print(f"ok  nbconvert --execute {welcome}", flush=True)
        else:
            with open(log, encoding="utf-8", errors="replace") as f:
                sys.stdout.write("".join(f.readlines()[-30:]))
            print(f"FAIL nbconvert --execute {welcome} (log: {log})", flush=True)
        ok &= tally.add(1 if rc == 0 else 0, 0, 0, rc)
    return ok


def test():
    tally, failed = Tally(), []
    for name, stage in [("JUnit", stage_junit), ("JDK kernelspecs", stage_jdk_matrix),
                        ("protocol", stage_protocol), ("notebooks", stage_notebooks)]:
        if not stage(tally):
            failed.append(name)
    say("failed: " + ", ".join(failed) if failed else "all stages passed")
    print(f"tests: {tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped", flush=True)
    return 1 if failed else 0


def reliability():
    if not write_test_kernelspecs():
        print("suite.py: error: could not write the kernelspecs to test", file=sys.stderr)
        return 1
    return subprocess.run(PYTHON + [os.path.join(HERE, "reliability", "run_all.py")], cwd=REPO).returncode


RELIABILITY_USAGE = """Usage: ./install.sh reliability

Sets up, then runs each script in kernel/src/test/python/reliability/ against this checkout's
kernel (and one per further JDK, as test does): many kernel starts under CPU load with a first
cell at once, a soak of thousands of cells, a class of 20 students on JupyterHub (class_load.py:
as root, with Debian's jupyterhub; ./install.sh classload runs it alone), and whatever else is
there. Each script can also be run alone (see its --help). Evidence of a failure (the kernel's
output, thread dumps) is kept under build/reliability/. The last line is "reliability: N passed, N failed"."""

if __name__ == "__main__":
    args = sys.argv[1:]
    if args in (["test", "-h"], ["test", "--help"], ["-h"], ["--help"]):
        print(__doc__.split("\n\n", 1)[1].split("\ninstall.sh calls it")[0].rstrip())
        sys.exit(0)
    if args in (["reliability", "-h"], ["reliability", "--help"]):
        print(RELIABILITY_USAGE)
        sys.exit(0)
    if args == ["reliability"]:
        sys.exit(reliability())
    if args not in ([], ["test"]):
        print("install.sh: error: test takes no arguments (see ./install.sh test --help)", file=sys.stderr)
        sys.exit(2)
    sys.exit(test())
