"""The kernel for every user of this machine, as JupyterHub needs: ./install.sh setup --system.

    system_install.py [--prefix DIR] [--kernels KDIR]   (as root, after setup built the kernel)

Copies what a kernel needs into DIR, owned by root and read-only for everybody else:
  DIR/lib/        the jars and jvm-flags.properties (kernel/target/lib)
  DIR/bin/        the launcher (alexlab selftest | run | bench ...), find-cuda.sh, and
                  alexlab-singleuser, a student's server on the class's hub (deploy/jupyterhub/)
  DIR/runtime     a link to the JDK that runs the kernel (the launcher's layout, as in the bundle)
  DIR/datasets/   the bundled subset, the checkpoints and SHA256SUMS
  DIR/notebooks/  the course notebooks; DIR/notebooks/lessons/ the lessons' student releases (never
                  their sources, which hold the answers)
then writes the kernelspec "alexlab", run from DIR (kernelspecs.py system), into DIR/share/jupyter
and Jupyter's system folder or, with --kernels, KDIR (for tests).
A new copy is made beside the old one (DIR.new) and takes its place by renaming, so repeating it is
safe; a DIR that exists without the marker file of an earlier copy is never touched.
"""
import argparse
import datetime
import glob
import os
import shutil
import stat
import subprocess
import sys

import kernelspecs

REPO = kernelspecs.REPO
MARKER = "ALEXLAB-SHARED-COPY"


def fail(message):
    print("system_install.py: error: " + message, file=sys.stderr)
    sys.exit(1)


def ours(folder):
    """True if folder is absent or a copy this tool made (it may replace it)."""
    return not os.path.lexists(folder) or os.path.isfile(os.path.join(folder, MARKER))


def world_can_run(path):
    """True if every user can reach and run path (a JDK in root's home is not)."""
    path = os.path.realpath(path)
    if not os.stat(path).st_mode & stat.S_IXOTH:
        return False
    parent = os.path.dirname(path)
    while parent != "/":
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return False
        parent = os.path.dirname(parent)
    return True


def copy_files(paths, target):
    os.makedirs(target, exist_ok=True)
    for path in paths:
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(target, os.path.basename(path)))
        else:
            shutil.copy(path, target)


def fill(stage, java_home):
    lib = os.path.join(REPO, "kernel", "target", "lib")
    if not os.path.isfile(os.path.join(lib, "jvm-flags.properties")):
        fail(f"{lib} has no build (run ./install.sh setup first)")
    shutil.copytree(lib, os.path.join(stage, "lib"))
    bundle = os.path.join(REPO, "kernel", "src", "main", "bundle")
    copy_files([os.path.join(bundle, "alexlab"), os.path.join(bundle, "find-cuda.sh"),
                os.path.join(REPO, "deploy", "jupyterhub", "alexlab-singleuser")], os.path.join(stage, "bin"))
    os.symlink(java_home, os.path.join(stage, "runtime"))
    shutil.copytree(os.path.join(REPO, "datasets"), os.path.join(stage, "datasets"))
    notebooks = os.path.join(stage, "notebooks")
    copy_files(sorted(glob.glob(os.path.join(REPO, "notebooks", "*.ipynb"))), notebooks)
    copy_files(sorted(glob.glob(os.path.join(REPO, "lessons", "*.ipynb")))
               + [os.path.join(REPO, "lessons", "README.md")], os.path.join(notebooks, "lessons"))


def seal(stage):
    """Root's, readable by all, writable by none but root: directories and programs 755, files 644."""
    for root, dirs, files in os.walk(stage):
        for name in dirs + files:
            path = os.path.join(root, name)
            os.lchown(path, 0, 0)
            if os.path.islink(path):
                continue
            mode = os.stat(path).st_mode
            os.chmod(path, 0o755 if stat.S_ISDIR(mode) or mode & stat.S_IXUSR else 0o644)
    os.chown(stage, 0, 0)
    os.chmod(stage, 0o755)


def commit():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", default="/opt/alexlab", help="where the shared copy goes (default /opt/alexlab)")
    parser.add_argument("--kernels", help="write the kernelspec into this folder instead (for tests)")
    args = parser.parse_args()
    prefix = os.path.abspath(args.prefix)
    if os.geteuid() != 0:
        fail("the shared copy and the system-wide kernelspec are root's: run it as root")
    if not os.environ.get("JAVA_HOME"):  # install.sh sets it; else the JDK of the java on PATH
        if not shutil.which("java"):
            fail("no JAVA_HOME and no java on PATH: name the JDK that runs the kernel in JAVA_HOME")
        os.environ["JAVA_HOME"] = os.path.dirname(os.path.dirname(os.path.realpath(shutil.which("java"))))
    java_home = os.path.realpath(os.environ["JAVA_HOME"])
    java = os.path.join(java_home, "bin", "java")
    if not os.path.isfile(java) or not world_can_run(java):
        fail(f"JAVA_HOME={java_home}: its bin/java must exist and every user must be able to run it")
    stage, old = prefix + ".new", prefix + ".old"
    for folder in (prefix, stage, old):
        if not ours(folder):
            fail(f"{folder} exists and is not a shared copy made by ./install.sh setup --system "
                 f"(it lacks {MARKER}): choose another --prefix, or move it away")
    print(f"==> copying the kernel, its data and the course into {prefix} (read-only for users)", flush=True)
    os.umask(0o022)
    os.makedirs(os.path.dirname(prefix), mode=0o755, exist_ok=True)
    for folder in (stage, old):
        shutil.rmtree(folder, ignore_errors=True)
    fill(stage, java_home)
    with open(os.path.join(stage, MARKER), "w", encoding="utf-8") as f:
        f.write(f"AlexLab's shared copy, made by ./install.sh setup --system\nfrom: {REPO} at {commit()}\n"
                f"made: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}\n"
                f"java: {java_home}\n")
    seal(stage)
    if os.path.lexists(prefix):  # running kernels keep their open jars; new ones start from the new copy
        os.rename(prefix, old)
    os.rename(stage, prefix)
    shutil.rmtree(old, ignore_errors=True)
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(prefix) for f in fs)
    print(f"    {prefix}: {size / 2**20:.0f} MiB", flush=True)
    if not kernelspecs.system(prefix, args.kernels):
        sys.exit(1)
    data = "/usr/share/datasets/fashion-mnist"
    print("    data: " + (f"the full Fashion-MNIST in {data}" if os.path.isdir(data) else
                          f"the bundled subset (2,000 + 1,000 images): {data} is missing "
                          "(Debian: apt-get install dataset-fashion-mnist)"))


if __name__ == "__main__":
    main()
