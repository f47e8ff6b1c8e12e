#!/usr/bin/env bash
# AlexLab: sets a machine up for the Java Jupyter kernel and its notebooks, then hands over to the
# tools under kernel/: the launcher (src/main/bundle/alexlab; the CUDA search in find-cuda.sh), the
# kernelspecs (src/main/python/kernelspecs.py), the test suite (src/test/python/suite.py) and the
# packaging (src/main/bundle/package.sh). Every step is safe to repeat.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="$REPO/build"
LIB="$REPO/kernel/target/lib"   # our jar, its dependencies and the JVM flags, written by `mvn package`
LAUNCHER="$REPO/kernel/src/main/bundle/alexlab"
PYTHON_TOOLS="$REPO/kernel/src/main/python"
CLASS_LOAD="$REPO/kernel/src/test/python/reliability/class_load.py"  # the JupyterHub load test
MIN_JDK=17          # the release the kernel is compiled for
JUPYTER_MODULES="jupyter_client, nbclient, nbconvert, notebook, jupyter_kernel_test"
OFFLINE=${ALEXLAB_OFFLINE:-}  # --offline or ALEXLAB_OFFLINE=1: no download of the full data set
export PYDEVD_DISABLE_FILE_VALIDATION=1  # Debian's debugpy warns about frozen modules otherwise

say() { echo "==> $*"; }
note() { echo "    $*"; }
die() { echo "install.sh: error: $*" >&2; exit 1; }

usage() {
    cat <<'EOF'
Usage: ./install.sh [--offline] [COMMAND] [ARGS...]

Commands:
  (none)      set up, then start Jupyter Notebook on notebooks/ (args after -- go to Jupyter)
  setup       check or install a JDK 17+, Maven and Jupyter; build the kernel; find CUDA 13
              libraries; install the "Java (AlexLab)" kernelspec; verify datasets/; make the
              full Fashion-MNIST available (Debian's package, else a verified download);
              --system: for every user of the machine, as JupyterHub needs (deploy/jupyterhub/)
  test        set up, then run JUnit, the protocol tests and every notebook and lesson;
              ends with "tests: N passed, N failed, N skipped"
  run         execute notebooks headless through the alexlab kernel (--no-jupyter: without Python)
  selftest    check this machine: CPU, GPU (or why there is none), a short LeNet-5 epoch
  gpucheck    check every GPU claim in one run: facts, GPU tests, selftest, benchmarks, notebooks
  bench       run a benchmark program (the matmul ladder, GEMM, AlexNet, LeNet-5)
  checkpoints train the networks shipped in datasets/checkpoints/ again from their seeds (notebook
              07 starts from them) and write their SHA-256 into datasets/SHA256SUMS
  lessons     classroom lessons: release (student notebooks) | verify (each sound) | grade (a class)
  reliability the long kernel checks (many starts under load, a soak, a class on JupyterHub, ...),
              an hour or more;
              their quick versions are part of test
  bundle      build build/alexlab-bundle.tar.xz: a Java runtime, the jars and a launcher for
              GPU hosts without a JDK or network (bin/alexlab selftest | gpucheck | run | kernel...)
  gpukit      build build/gpukit/alexlab-gpukit.tar.xz: the bundle with the GPU tests and JUnit,
              what gpucheck needs on a bare GPU host; prints its size beside the tracked files'
  classload   a class on JupyterHub: N simulated students log in, start a kernel and run
              notebook 00 at once; prints memory per kernel, total memory, cell latency (root)

Run ./install.sh COMMAND --help for details.
EOF
}

usage_setup() {
    cat <<'EOF'
Usage: ./install.sh setup [--offline] [--system [--prefix DIR]]

  1. A JDK 17+ and Maven: found, else installed with apt-get (as root or with password-less sudo),
     with the JDK's sources (openjdk-N-source), from which Shift-Tab shows Javadoc.
  2. A Python with Jupyter (jupyter_client, nbclient, nbconvert, notebook, jupyter_kernel_test):
     ALEXLAB_PYTHON, /usr/bin/python3 or build/venv; else Debian's packages, else build/venv by pip.
  3. The kernel: mvn -q -B package -DskipTests.
  4. CUDA 13 libraries (ldconfig, /usr/local/cuda*, NVIDIA's Python wheels; ALEXLAB_CUDA_PATH) for
     the kernel's LD_LIBRARY_PATH, when an NVIDIA driver is there. Without them it uses the CPU.
  5. The kernelspec "alexlab" ("Java (AlexLab)") for this user; datasets/ checked against SHA256SUMS.
  6. The full Fashion-MNIST (60,000 + 10,000 images): Debian's dataset-fashion-mnist where apt-get
     may be used, else a download into ~/.cache/alexlab/fashion-mnist checked against SHA256SUMS.
     With --offline (or ALEXLAB_OFFLINE=1) the notebooks run on the bundled subset (2,000 + 1,000
     images), which each notebook says at its top.

  --system        as root, after the steps above (except the kernelspec for this user): the kernel
                  for every user of the machine, as JupyterHub needs (deploy/jupyterhub/README.md).
                  A shared copy owned by root and read-only for users in DIR: the jars (lib/), the
                  launcher (bin/alexlab), datasets/, the course (notebooks/, with the lessons'
                  student releases in notebooks/lessons/); and the kernelspec "alexlab" in
                  Jupyter's system folder (/usr/local/share/jupyter/kernels), run from that copy.
                  Safe to repeat: the new copy replaces the old one by renaming.
  --prefix DIR    where the shared copy goes (default /opt/alexlab)
EOF
}

usage_checkpoints() {
    cat <<'EOF'
Usage: ./install.sh checkpoints [--budget small|full] [--out DIR]

Trains the networks that notebook 07 quantizes, from fixed seeds, with the recipes of
io.github.alexlab.train.TrainingRecipe (LeNet-5: SGD 0.05, momentum 0.9, weight decay 5e-4, cosine
schedule, batches of 128 shuffled from seed 42; the small AlexNet of notebook 04's step 8: the same
at 0.02, with random shifts and flips), measures each on all test images, and saves it as
safetensors with how it was made in its metadata. Each file's SHA-256 goes into SHA256SUMS, which
the notebooks check before they load it (Pretrained.lenet5(), Pretrained.smallAlexNet()).

  --budget full   (default) each recipe's 4 epochs on all 60,000 training images (the full
                  Fashion-MNIST is needed: ./install.sh setup), into datasets/checkpoints/ and
                  datasets/SHA256SUMS; a minute or two on 2 cores
  --budget small  1 epoch on 2,000 images, into build/checkpoints/: the pipeline in a minute
  --out DIR       write the files there instead, with a SHA256SUMS of their own (datasets/ stays
                  as it is): to compare a new run with the shipped files

It ends by comparing each new checkpoint with the one that was in datasets/checkpoints/: the test
accuracy (a full run reproduces it within 0.3 point) and whether the bytes are the same.
EOF
}

# apt-get is usable when we are root or sudo needs no password (never prompt in a script).
can_apt() { command -v apt-get >/dev/null 2>&1 && { [[ $EUID -eq 0 ]] || sudo -n true 2>/dev/null; }; }
as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }

# Debian's JupyterHub 3.0 (and its proxy), for the class load test.
ensure_jupyterhub() {
    [[ -x /usr/bin/jupyterhub ]] || { can_apt && say "installing Debian's jupyterhub" && apt_install jupyterhub; }
}

# apt-get's own output goes to build/logs/apt.log; its tail is shown only when it fails.
APT_UPDATED=""
apt_install() {
    local log="$BUILD/logs/apt.log"
    mkdir -p "$(dirname "$log")"
    note "apt-get install $* (log: ${log#"$REPO"/})"
    [[ -n $APT_UPDATED ]] || as_root apt-get update -qq >>"$log" 2>&1 || { tail -n 20 "$log" >&2; return 1; }
    APT_UPDATED=1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$log" 2>&1 || { tail -n 20 "$log" >&2; return 1; }
}

# The feature release a java binary reports ("17", "25"; "8" for "1.8.0_392"); empty if it fails.
java_feature() {
    local version
    version=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1) || true
    version=${version#1.}
    echo "${version%%[.+-]*}"
}

py() { "$PY" -Xfrozen_modules=off "$@"; }
# Debian's Maven 3.8 prints colour resets (ESC[0m) even in batch mode; keep logs clean.
maven() { mvn -B "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'; }
has_jupyter() { [[ -x $1 ]] && "$1" -Xfrozen_modules=off -c "import $JUPYTER_MODULES" >/dev/null 2>&1; }

# Sets JDK_HOME to a JDK >= 17: JAVA_HOME first (the user's choice), the javac on PATH, /usr/lib/jvm.
find_jdk() {
    local candidates=() home feature
    [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
    command -v javac >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    for home in /usr/lib/jvm/*/; do [[ -d $home ]] && candidates+=("${home%/}"); done
    for home in "${candidates[@]}"; do
        [[ -x $home/bin/java && -x $home/bin/javac ]] || continue
        feature=$(java_feature "$home/bin/java")
        [[ $feature =~ ^[0-9]+$ ]] && (( feature >= MIN_JDK )) && { JDK_HOME=$(readlink -f "$home"); return 0; }
    done
    return 1
}

ensure_jdk_and_maven() {
    say "checking for a JDK $MIN_JDK+ and Maven"
    if ! find_jdk || ! command -v mvn >/dev/null 2>&1; then
        can_apt || die "a JDK $MIN_JDK or newer (with javac) and Maven are needed.
  Install them (e.g. apt-get install openjdk-17-jdk-headless maven) and run this again."
        say "installing openjdk-17-jdk-headless and maven with apt-get"
        # Newer Debian releases may have dropped JDK 17; their default JDK is newer and fine.
        apt_install openjdk-17-jdk-headless maven || apt_install default-jdk-headless maven \
            || die "apt-get could not install a JDK and Maven"
        find_jdk || die "no JDK $MIN_JDK+ found even after installing one"
        command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is still missing"
    fi
    # Maven, the kernelspec writer and the launcher use this JDK, whatever JAVA_HOME said before.
    export JAVA_HOME=$JDK_HOME PATH="$JDK_HOME/bin:$PATH"
    note "JDK $(java_feature "$JDK_HOME/bin/java") at $JDK_HOME; $(maven -v | head -n 1 | sed 's/ (.*//')"
    # Shift-Tab and `Math.max?` show Javadoc only when the JDK has its lib/src.zip: Debian ships it
    # apart, in openjdk-N-source (other JDK builds include it). Without it help shows signatures only.
    [[ -e $JDK_HOME/lib/src.zip ]] && return 0
    local package="openjdk-$(java_feature "$JDK_HOME/bin/java")-source"
    [[ $JDK_HOME == /usr/lib/jvm/* ]] && can_apt && apt_install "$package" && [[ -e $JDK_HOME/lib/src.zip ]] && return 0
    note "no $JDK_HOME/lib/src.zip: help (Shift-Tab) shows signatures without Javadoc (Debian: apt-get install $package)"
}

# Sets PY. Order: ALEXLAB_PYTHON, the system Python (Debian's Jupyter packages), build/venv.
find_python() {
    local candidate
    for candidate in "${ALEXLAB_PYTHON:-}" /usr/bin/python3 "$BUILD/venv/bin/python"; do
        [[ -n $candidate ]] && has_jupyter "$candidate" && { PY=$candidate; return 0; }
    done
    return 1
}

ensure_python() {
    say "checking for a Python with Jupyter"
    if ! find_python; then
        if can_apt; then
            say "installing Jupyter from Debian packages"
            apt_install jupyter-notebook python3-nbclient python3-nbconvert python3-jupyter-kernel-test \
                || note "apt-get could not install them; trying a virtual environment instead"
        fi
        if ! find_python; then
            say "creating build/venv and installing Jupyter with pip"
            command -v python3 >/dev/null 2>&1 || die "no python3 found; install Python 3 and run this again"
            python3 -m venv "$BUILD/venv" || die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
            "$BUILD/venv/bin/python" -m pip install --quiet notebook nbclient nbconvert jupyter_kernel_test \
                || die "pip could not install Jupyter into build/venv"
            find_python || die "build/venv still lacks one of: $JUPYTER_MODULES"
        fi
    fi
    mkdir -p "$BUILD"
    echo "$PY" > "$BUILD/python"
    note "Python: $PY"
}

build_kernel() { say "building the kernel (mvn package)"; (cd "$REPO" && maven -q package -DskipTests); }

# Exports ALEXLAB_CUDA_LIBRARY_PATH, the CUDA 13 folders for the kernel's LD_LIBRARY_PATH when a
# driver is there to use them: kernelspecs.py writes it into kernel.json, suite.py gives it to JUnit.
use_cuda() {
    say "looking for an NVIDIA driver and CUDA 13 libraries"
    CUDA_EXTRA_PYTHON="$BUILD/venv/bin/python"  # besides the system's Pythons, a venv setup made
    source "$REPO/kernel/src/main/bundle/find-cuda.sh"
    find_cuda "    " 2>&1
    export ALEXLAB_CUDA_LIBRARY_PATH=$CUDA_LIBRARY_PATH
}

# This checkout's kernelspec in build/jupyter, put first on JUPYTER_PATH: run, test and the notebook
# server start this checkout's kernel, and the user's kernelspec is untouched.
use_local_kernelspec() {
    py "$PYTHON_TOOLS/kernelspecs.py" local || die "could not write this checkout's kernelspec"
    export JUPYTER_PATH="$BUILD/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
}

# The full Fashion-MNIST for the notebooks: Debian's package where apt-get may be used, else the
# verified download into the cache (FetchFashionMnist). Never fatal: without it the course runs on
# the bundled subset and says so.
ensure_full_dataset() {
    say "making the full Fashion-MNIST available (60,000 training and 10,000 test images)"
    [[ -z $OFFLINE ]] || { note "skipped (--offline): the notebooks use the bundled subset (2,000 + 1,000 images) and say so"; return 0; }
    [[ -z ${ALEXLAB_DATA:-} ]] || { note "ALEXLAB_DATA=$ALEXLAB_DATA: the notebooks read that folder"; return 0; }
    if [[ ! -d /usr/share/datasets/fashion-mnist ]] && can_apt; then  # what Debian's package installs
        apt_install dataset-fashion-mnist || note "apt-get could not install dataset-fashion-mnist; downloading instead"
    fi
    "$JDK_HOME/bin/java" -Djava.awt.headless=true "-Dalexlab.datasets=$REPO/datasets" -cp "$LIB/*" \
        io.github.alexlab.data.FetchFashionMnist 2>&1 | sed -u 's/^/    /' \
        || note "without it the notebooks use the bundled subset (2,000 + 1,000 images) and say so"
}

# What every command needs: the tools, the build, the CUDA libraries, this checkout's kernelspec.
setup_core() {
    ensure_jdk_and_maven
    ensure_python
    build_kernel
    use_cuda
    use_local_kernelspec
    py "$PYTHON_TOOLS/verify_datasets.py" || exit 1
}

# `run` skips setup when it already happened; it needs only the Python, the jars and the kernel.
ensure_setup() {
    [[ -s $BUILD/python ]] && PY=$(<"$BUILD/python") && has_jupyter "$PY" && compgen -G "$LIB/*.jar" >/dev/null \
        && py "$PYTHON_TOOLS/kernelspecs.py" ready \
        && { export JUPYTER_PATH="$BUILD/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"; return 0; }
    setup_core
}

cmd_setup() {
    local system="" prefix=/opt/alexlab
    while (( $# )); do
        case $1 in
            -h|--help) usage_setup; return 0 ;;
            --offline) OFFLINE=1; shift ;;
            --system) system=1; shift ;;
            --prefix) (( $# >= 2 )) && [[ -n $2 ]] || die "--prefix needs a folder"; prefix=$2; shift 2 ;;
            --prefix=*) prefix=${1#--prefix=}; [[ -n $prefix ]] || die "--prefix needs a folder"; shift ;;
            *) die "unknown setup option '$1' (see ./install.sh setup --help)" ;;
        esac
    done
    [[ -n $system || $prefix == /opt/alexlab ]] || die "--prefix goes with --system"
    [[ -z $system || $EUID -eq 0 ]] \
        || die "setup --system installs for every user: run it as root (sudo ./install.sh setup --system)"
    setup_core
    # With --system the kernelspec is the system-wide one; one for root alone would hide it from root.
    [[ -n $system ]] || py "$PYTHON_TOOLS/kernelspecs.py" install || die "could not install the kernelspec"
    ensure_full_dataset
    [[ -z $system ]] || py "$PYTHON_TOOLS/system_install.py" --prefix "$prefix" \
        || die "could not install the kernel for every user"
    say "setup done"
}

cmd_notebook() {
    cmd_setup
    local args=(--notebook-dir="$REPO/notebooks" --ip=127.0.0.1)
    [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] || args+=(--no-browser)  # no display: no browser to open
    [[ $EUID -ne 0 ]] || args+=(--allow-root)  # Jupyter refuses root unless told; containers often are root
    say "starting Jupyter Notebook on notebooks/ (Ctrl-C stops it)"
    say "open the URL that Jupyter prints below (the one with ?token=...)"
    exec "$PY" -Xfrozen_modules=off -m notebook "${args[@]}" "$@"
}

cmd_run() {
    local out="$BUILD/executed" jupyter=1 notebooks=() timeout=()
    while (( $# )); do
        case $1 in
            -h|--help) cat <<'EOF'
Usage: ./install.sh run NOTEBOOK... [--out DIR] [--no-jupyter [--timeout S]]

Executes each notebook headless through the alexlab kernel (the notebook's own alexlab-* kernel if
its metadata names one) and writes the executed copy to DIR (default build/executed/). A cell may
raise only if it is tagged raises-exception. Exits non-zero if any notebook failed. Runs setup first
only when the kernel is not built or not installed yet. ALEXLAB_CELL_TIMEOUT: seconds per cell (600).
--no-jupyter: without Python or Jupyter, through the launcher's Java runner (as bin/alexlab run in the
bundle): a progress line per cell, Ctrl-C interrupts the running cell, --timeout S stops a cell after
S seconds. Needs only the JDK and the build.
EOF
                return 0 ;;
            --out) (( $# >= 2 )) || die "--out needs a folder"; out=$2; shift 2 ;;
            --out=*) out=${1#--out=}; shift ;;
            --no-jupyter) jupyter=0; shift ;;
            --timeout) (( $# >= 2 )) || die "--timeout needs seconds"; timeout=(--timeout "$2"); shift 2 ;;
            -*) die "unknown option $1 (see ./install.sh run --help)" ;;
            *) notebooks+=("$1"); shift ;;
        esac
    done
    (( ${#notebooks[@]} )) || die "name at least one notebook (see ./install.sh run --help)"
    (( jupyter )) || launch run --out "$out" ${timeout[@]+"${timeout[@]}"} "${notebooks[@]}"
    (( ${#timeout[@]} == 0 )) || die "--timeout goes with --no-jupyter (Jupyter's runner reads ALEXLAB_CELL_TIMEOUT)"
    ensure_setup
    py "$PYTHON_TOOLS/run_notebooks.py" --out "$out" "${notebooks[@]}"
}

# The launcher's commands need only the JDK and the build (gpucheck rebuilds: it runs the compiled tests;
# checkpoints too: the files must come from this checkout's code).
launch() {
    ensure_jdk_and_maven
    [[ $1 != gpucheck && $1 != checkpoints && -f $LIB/jvm-flags.properties ]] || build_kernel
    exec "$LAUNCHER" "$@"
}

case ${1:-} in --offline) OFFLINE=1; shift ;; esac
command=${1:-}; shift || true
case $command in
    ""|--) cmd_notebook "$@" ;;
    -h|--help|help) usage ;;
    setup) cmd_setup "$@" ;;
    run) cmd_run "$@" ;;
    test|reliability)
        [[ ${1:-} == -h || ${1:-} == --help ]] && exec python3 "$REPO/kernel/src/test/python/suite.py" "$command" --help
        (( $# == 0 )) || die "$command takes no arguments (see ./install.sh $command --help)"
        setup_core  # not the user's kernelspec, not the data download: tests use this checkout's own
        # The class load test makes accounts (root only) on Debian's JupyterHub; elsewhere it is skipped.
        [[ $EUID -ne 0 ]] || ensure_jupyterhub || note "no JupyterHub here: the class load test will be skipped"
        exec "$PY" -Xfrozen_modules=off "$REPO/kernel/src/test/python/suite.py" "$command" ;;
    lessons)  # release needs only Jupyter's Python; verify runs the kernel
        [[ ${1:-} =~ ^(-h|--help|release)?$ ]] && find_python || ensure_setup
        exec "$PY" -Xfrozen_modules=off "$PYTHON_TOOLS/lessons.py" "$@" ;;
    selftest)
        [[ ${1:-} == -h || ${1:-} == --help ]] && { echo "Usage: ./install.sh selftest   (builds if needed, then checks the CPU and the GPU)"; exit 0; }
        (( $# == 0 )) || die "selftest takes no arguments"
        launch selftest ;;
    gpucheck) [[ ${1:-} =~ ^(-h|--help)$ ]] && exec "$LAUNCHER" gpucheck --help; launch gpucheck "$@" ;;
    bench) [[ ${1:-} =~ ^(-h|--help)?$ ]] && exec "$LAUNCHER" bench "$@"; launch bench "$@" ;;
    checkpoints) [[ ${1:-} =~ ^(-h|--help)$ ]] && { usage_checkpoints; exit 0; }; launch checkpoints "$@" ;;
    classload)  # Debian's JupyterHub and the kernel's build; the test makes its own shared copy
        [[ ${1:-} =~ ^(-h|--help)$ ]] && exec /usr/bin/python3 "$CLASS_LOAD" --help
        [[ $EUID -eq 0 ]] || die "classload makes the students' accounts: run it as root"
        ensure_jdk_and_maven
        [[ -f $LIB/jvm-flags.properties ]] || build_kernel
        ensure_jupyterhub || die "classload needs Debian's JupyterHub (apt-get install jupyterhub)"
        exec /usr/bin/python3 -Xfrozen_modules=off "$CLASS_LOAD" "$@" ;;
    bundle|gpukit)
        [[ ${1:-} == -h || ${1:-} == --help ]] && exec "$REPO/kernel/src/main/bundle/package.sh" "$command" --help
        (( $# == 0 )) || die "$command takes no arguments (see ./install.sh $command --help)"
        ensure_jdk_and_maven && build_kernel && exec "$REPO/kernel/src/main/bundle/package.sh" "$command" ;;
    *) echo "install.sh: unknown command '$command'" >&2; usage >&2; exit 2 ;;
esac
