"""This checkout's Jupyter kernelspecs, for install.sh and the test suite.

  kernelspecs.py local     build/jupyter/kernels/alexlab: what run, test and the notebook server start
  kernelspecs.py install   the user's "alexlab" kernelspec, for every Jupyter front end
  kernelspecs.py ready     exit 0 if the local one is written, for this checkout's jars and an existing java
  kernelspecs.py system PREFIX [--kernels DIR]
                           the "alexlab" kernelspec for every user (as JupyterHub needs), run from the
                           shared copy in PREFIX (system_install.py makes it): in PREFIX/share/jupyter
                           (the hub's servers look there) and in Jupyter's system folder, or in DIR
                           instead of the latter (for tests)

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


def write(java, out, name, display_name, lib=LIB, datasets=None):
    """Writes out/name/kernel.json for a kernel run by java from the jars in lib; True if it worked.
    datasets: the folder the kernel reads datasets/ from, when its working directory is not in a
    checkout (a student's home)."""
    command = [java, "-cp", os.path.join(lib, "*"), "io.github.alexlab.kernel.Main", "kernelspec", out,
               "--name", name, "--display-name", display_name]
    if os.environ.get("ALEXLAB_CUDA_LIBRARY_PATH"):
        command += ["--env", "LD_LIBRARY_PATH=" + os.environ["ALEXLAB_CUDA_LIBRARY_PATH"]]
    if subprocess.run(command, stdout=subprocess.DEVNULL).returncode != 0:
        return False
    if datasets:  # the kernel's -Dalexlab.datasets (io.github.alexlab.data.Datasets), right after java
        path = os.path.join(out, name, "kernel.json")
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        spec["argv"].insert(1, "-Dalexlab.datasets=" + datasets)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(spec, f, indent=2)
    return True


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


def system(prefix, kernels=None):
    """The kernelspec for every user, run from PREFIX's jars and data; True if it worked."""
    from jupyter_client.kernelspec import KernelSpecManager
    lib, datasets = os.path.join(prefix, "lib"), os.path.join(prefix, "datasets")
    for needed in (os.path.join(lib, "jvm-flags.properties"), os.path.join(datasets, "SHA256SUMS")):
        if not os.path.isfile(needed):
            print(f"kernelspecs.py: error: {needed} is missing: is {prefix} a shared copy made by "
                  "./install.sh setup --system?", file=sys.stderr)
            return False
    out = os.path.join(prefix, "share", "jupyter", "kernels")
    shutil.rmtree(os.path.join(out, NAME), ignore_errors=True)
    if not write(kernel_java(), out, NAME, DISPLAY_NAME, lib=lib, datasets=datasets):
        return False
    if kernels:  # a folder of kernelspecs named by the caller
        target = os.path.join(kernels, NAME)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(os.path.join(out, NAME), target)
    else:
        target = KernelSpecManager().install_kernel_spec(os.path.join(out, NAME), NAME, user=False)
    for folder in (os.path.join(prefix, "share"), target):  # readable by every user, whatever the umask
        os.chmod(folder, 0o755)
        for root, dirs, files in os.walk(folder):
            for entry in dirs + files:
                os.chmod(os.path.join(root, entry), 0o755 if entry in dirs else 0o644)
    print(f'    installed the kernel "{DISPLAY_NAME}" ({NAME}) for every user: {target}')
    return True


if __name__ == "__main__":
    commands = {"local": local, "install": install, "ready": ready}
    if len(sys.argv) >= 3 and sys.argv[1] == "system":
        args = sys.argv[2:]
        if len(args) not in (1, 3) or (len(args) == 3 and args[1] != "--kernels"):
            sys.exit(__doc__)
        sys.exit(0 if system(os.path.abspath(args[0]), args[2] if len(args) == 3 else None) else 1)
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(0 if commands[sys.argv[1]]() else 1)
