"""This checkout's Jupyter kernelspecs, for install.sh and the test suite.

  kernelspecs.py local     build/jupyter/kernels/alexlab: what run, test and the notebook server start
  kernelspecs.py install   the user's "alexlab" kernelspec, for every Jupyter front end
  kernelspecs.py ready     exit 0 if the local one is written, for this checkout's jars and an existing java

The kernel writes its own kernel.json (Main kernelspec), with the java that runs it as the kernel's
java and the JVM flags of the build; the JDK is $JAVA_HOME, and $ALEXLAB_CUDA_LIBRARY_PATH (the CUDA 13
folders install.sh found, maybe none) goes into the kernel's LD_LIBRARY_PATH.
"""
import json
import os
import re
import shutil
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))
LIB = os.path.join(REPO, "kernel", "target", "lib")
LOCAL_KERNELS = os.path.join(REPO, "build", "jupyter", "kernels")
NAME, DISPLAY_NAME = "alexlab", "Java (AlexLab)"


def write(java, out, name, display_name):
    """Writes out/name/kernel.json for a kernel run by java; True if it worked."""
    command = [java, "-cp", os.path.join(LIB, "*"), "io.github.alexlab.kernel.Main", "kernelspec", out,
               "--name", name, "--display-name", display_name]
    if os.environ.get("ALEXLAB_CUDA_LIBRARY_PATH"):
        command += ["--env", "LD_LIBRARY_PATH=" + os.environ["ALEXLAB_CUDA_LIBRARY_PATH"]]
    return subprocess.run(command, stdout=subprocess.DEVNULL).returncode == 0


def kernel_java():
    return os.path.join(os.environ["JAVA_HOME"], "bin", "java")


def local():
    shutil.rmtree(os.path.join(LOCAL_KERNELS, NAME), ignore_errors=True)
    os.makedirs(LOCAL_KERNELS, exist_ok=True)
    return write(kernel_java(), LOCAL_KERNELS, NAME, DISPLAY_NAME)


def ready():
    try:
        with open(os.path.join(LOCAL_KERNELS, NAME, "kernel.json"), encoding="utf-8") as f:
            argv = json.load(f)["argv"]
    except (OSError, ValueError, KeyError):
        return False
    return any(LIB in arg for arg in argv) and os.access(argv[0], os.X_OK)


def install():
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    print(f'==> installing the kernel "{DISPLAY_NAME}" ({NAME}) for this user', flush=True)
    os.environ["JUPYTER_PATH"] = ""  # the user's kernelspec, not this checkout's local one
    try:  # the checkout the installed kernelspec ran until now: the folder above kernel/target/lib
        before = next((m.group(1) for arg in KernelSpecManager().get_kernel_spec(NAME).argv
                       for m in [re.search(r"(/.*)/kernel/target/lib/", arg)] if m), "")
    except NoSuchKernel:
        before = ""
    if before and os.path.realpath(before) != REPO:
        print(f"    it ran the checkout in {before} until now; from now on it runs this one ({REPO})")
    out = os.path.join(REPO, "build", "kernelspec")
    shutil.rmtree(out, ignore_errors=True)
    if not write(kernel_java(), out, NAME, DISPLAY_NAME):
        return False
    print("    installed " + KernelSpecManager().install_kernel_spec(os.path.join(out, NAME), NAME, user=True))
    return True


if __name__ == "__main__":
    commands = {"local": local, "install": install, "ready": ready}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(0 if commands[sys.argv[1]]() else 1)
