#!/usr/bin/env bash
# AlexLab: set up, test and run the Java Jupyter kernel and its notebooks.
#
#   ./install.sh [--offline] [-- NOTEBOOK-ARGS...]   set up, then start Jupyter Notebook on notebooks/
#   ./install.sh setup [--offline]       check/install the tools, build, install the kernelspec,
#                                        fetch the full Fashion-MNIST (not with --offline)
#   ./install.sh test                    set up, then run the whole test suite
#   ./install.sh run NOTEBOOK... [--out DIR]   execute notebooks headless
#
# Every step is safe to repeat: a second run finds what the first one installed.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="$REPO/build"
LIB="$REPO/kernel/target/lib"   # our jar and its dependencies, written by `mvn package`
MAIN_CLASS=io.github.alexlab.kernel.Main
KERNEL_NAME=alexlab
KERNEL_DISPLAY_NAME="Java (AlexLab)"
RUN_NOTEBOOKS="$REPO/kernel/src/main/python/run_notebooks.py"
PROTOCOL_TESTS="$REPO/kernel/src/test/python/run_tests.py"
MIN_JDK=17          # the release the kernel is compiled for
MIN_EXTRA_JDK=21    # newer JDKs found on the machine are tested too (JShell changed in 20+)
JUPYTER_MODULES="jupyter_client, nbclient, nbconvert, notebook, jupyter_kernel_test"
BUNDLED_DATA="$REPO/datasets/fashion-mnist-small"
DEBIAN_DATA=/usr/share/datasets/fashion-mnist
# This checkout's own kernelspec: run, test and the notebook server use it (through JUPYTER_PATH),
# so they run this checkout's kernel whatever the user's installed "alexlab" points at.
LOCAL_JUPYTER="$BUILD/jupyter"
OFFLINE=${ALEXLAB_OFFLINE:-}  # --offline or ALEXLAB_OFFLINE=1: no download of the full data set

# Debian's debugpy warns about frozen modules on every start; these two silence it.
export PYDEVD_DISABLE_FILE_VALIDATION=1

say() { echo "==> $*"; }
note() { echo "    $*"; }
die() { echo "install.sh: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Help

usage() {
    cat <<'EOF'
Usage: ./install.sh [--offline] [COMMAND] [ARGS...]

Commands:
  (none)      set up, then start Jupyter Notebook on notebooks/ (args after -- go to Jupyter)
  setup       check or install a JDK 17+, Maven and Jupyter; build the kernel; find CUDA 13
              libraries; install the "Java (AlexLab)" kernelspec; verify datasets/; make the
              full Fashion-MNIST available (Debian's package, else a verified download)
  test        set up, then run JUnit, the protocol tests and every notebook and lesson;
              ends with "tests: N passed, N failed, N skipped"
  run         execute notebooks headless through the alexlab kernel (--no-jupyter: without Python)
  selftest    check this machine: CPU, GPU (or why there is none), a short LeNet-5 epoch
  gpucheck    check every GPU claim in one run: facts, GPU tests, selftest, benchmarks, notebooks
  bench       run a benchmark program (the matmul ladder, GEMM, AlexNet, LeNet-5)
  reliability the long kernel checks (many starts under load, a soak, ...), an hour or more;
              their quick versions are part of test
  bundle      build build/alexlab-bundle.tar.xz: a Java runtime, the jars and a launcher for
              GPU hosts without a JDK or network (bin/alexlab selftest | gpucheck | run | kernel...)
  gpukit      build build/gpukit/alexlab-gpukit.tar.xz: the bundle with the GPU tests and JUnit,
              what gpucheck needs on a bare GPU host; prints its size beside the tracked files'

Run ./install.sh COMMAND --help for details.
EOF
}

usage_setup() {
    cat <<'EOF'
Usage: ./install.sh setup [--offline]

  1. Finds a JDK 17 or newer (javac) and Maven; installs openjdk-17-jdk-headless and maven
     with apt-get when they are missing and apt-get may be used (root or password-less sudo),
     and the JDK's sources (openjdk-N-source), from which Shift-Tab shows Javadoc.
  2. Finds a Python with jupyter_client, nbclient, nbconvert, notebook and jupyter_kernel_test
     (/usr/bin/python3, then build/venv); otherwise installs Debian's packages, or creates
     build/venv with pip. The choice is remembered in build/python.
  3. Builds the kernel: mvn -q -B package -DskipTests.
  4. Looks for CUDA 13 libraries (ldconfig, /usr/local/cuda*, NVIDIA's Python wheels) and puts
     their folders in the kernel's LD_LIBRARY_PATH. Without them the kernel uses the CPU.
  5. Installs the kernelspec "alexlab" ("Java (AlexLab)") for this user.
  6. Checks datasets/ against datasets/SHA256SUMS when that file exists.
  7. Makes the full Fashion-MNIST (60,000 + 10,000 images) available: Debian's package
     dataset-fashion-mnist when apt-get may be used, otherwise a download into
     ~/.cache/alexlab/fashion-mnist, each file checked against datasets/SHA256SUMS before it is
     renamed into place. With --offline (or ALEXLAB_OFFLINE=1) this step is skipped and the
     notebooks run on the bundled subset (2,000 + 1,000 images), which each notebook says at its top.

Environment: ALEXLAB_PYTHON=/path/to/python picks the Python to use; ALEXLAB_OFFLINE=1 as --offline.
EOF
}

usage_test() {
    cat <<'EOF'
Usage: ./install.sh test

Sets up, then runs every stage, continuing after a failed one:
  1. JUnit: mvn -B test
  2. kernelspecs alexlab-jdkNN for each further JDK 21+ (ALEXLAB_TEST_JDKS="HOME..." or the
     JDKs under /usr/lib/jvm), written to build/test-jupyter/kernels
  3. protocol tests: kernel/src/test/python/run_tests.py (ALEXLAB_TEST_KERNELS names the kernels)
  4. notebooks/*.ipynb and lessons/*.ipynb, executed into build/executed/{notebooks,lessons}/,
     with the smallest budget the notebooks advertise, ALEXLAB_EPOCHS=1 ALEXLAB_DATASET_LIMIT=2000,
     on the bundled data subset (ALEXLAB_DATA=datasets/fashion-mnist-small), unless these are set,
     so the result does not depend on what data the machine has
The last line is "tests: N passed, N failed, N skipped". Exits 0 only if everything passed.
It leaves the user's installed kernelspec alone and downloads no data.

Environment: ALEXLAB_TEST_JDKS, ALEXLAB_CELL_TIMEOUT (seconds per cell, default 600),
ALEXLAB_EPOCHS, ALEXLAB_DATASET_LIMIT and ALEXLAB_DATA (the notebooks' budget and data).
EOF
}

usage_run() {
    cat <<'EOF'
Usage: ./install.sh run NOTEBOOK... [--out DIR] [--no-jupyter [--timeout S]]

Executes each notebook headless through the alexlab kernel (the notebook's own alexlab-*
kernel if its metadata names one) and writes the executed copy to DIR (default build/executed/).
A cell may raise only if it is tagged raises-exception. Exits non-zero if any notebook failed.
Runs setup first only when the kernel is not built or not installed yet.

--no-jupyter: without Python or Jupyter, through the kernel's own Java runner (what bin/alexlab
run does in the bundle): one progress line per cell, Ctrl-C interrupts the running cell,
--timeout S stops a cell that runs longer than S seconds. Needs only the JDK and the build.

Environment: ALEXLAB_CELL_TIMEOUT (seconds per cell, default 600).
EOF
}

# ---------------------------------------------------------------------------------------------
# Small helpers

# apt-get is usable when we are root or sudo needs no password (never prompt in a script).
can_apt() {
    command -v apt-get >/dev/null 2>&1 && { [[ $EUID -eq 0 ]] || sudo -n true 2>/dev/null; }
}

as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

# apt-get's own output goes to build/logs/apt.log; its tail is shown only when it fails.
APT_UPDATED=""
apt_install() {
    local log="$BUILD/logs/apt.log"
    mkdir -p "$(dirname "$log")"
    note "apt-get install $* (log: ${log#"$REPO"/})"
    if [[ -z $APT_UPDATED ]]; then
        as_root apt-get update -qq >>"$log" 2>&1 || { tail -n 20 "$log" >&2; return 1; }
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$log" 2>&1 \
        || { tail -n 20 "$log" >&2; return 1; }
}

# The feature release a java binary reports ("17", "25"; "8" for "1.8.0_392"); empty if it fails.
java_feature() {
    local version
    version=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1) || true
    version=${version#1.}
    echo "${version%%[.+-]*}"
}

is_jdk_at_least() {  # HOME MIN
    local feature
    [[ -x $1/bin/java && -x $1/bin/javac ]] || return 1
    feature=$(java_feature "$1/bin/java")
    [[ $feature =~ ^[0-9]+$ ]] && (( feature >= $2 ))
}

py() { "$PY" -Xfrozen_modules=off "$@"; }

# Debian's Maven 3.8 prints colour resets (ESC[0m) even in batch mode; keep logs clean.
maven() { mvn -B "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'; }

has_jupyter() {
    [[ -x $1 ]] && "$1" -Xfrozen_modules=off -c "import $JUPYTER_MODULES" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------
# Setup, step by step

# Sets JDK_HOME to a JDK >= 17. JAVA_HOME comes first (the user's choice), then the javac on
# PATH, then whatever is under /usr/lib/jvm.
find_jdk() {
    local candidates=() home
    [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
    if command -v javac >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    fi
    for home in /usr/lib/jvm/*/; do
        [[ -d $home ]] && candidates+=("${home%/}")
    done
    for home in "${candidates[@]}"; do
        if is_jdk_at_least "$home" "$MIN_JDK"; then
            JDK_HOME=$(readlink -f "$home")
            return 0
        fi
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
    # Maven and the kernelspec writer must use the same JDK, whatever JAVA_HOME said before.
    export JAVA_HOME=$JDK_HOME
    export PATH="$JDK_HOME/bin:$PATH"
    note "JDK $(java_feature "$JDK_HOME/bin/java") at $JDK_HOME; $(maven -v | head -n 1 | sed 's/ (.*//')"
    ensure_jdk_sources
}

# Shift-Tab and `Math.max?` show Javadoc only when the JDK has its lib/src.zip: Debian ships it
# apart, in openjdk-N-source (other JDK builds include it). Without it help shows signatures only.
ensure_jdk_sources() {
    [[ -e $JDK_HOME/lib/src.zip ]] && return 0
    local package="openjdk-$(java_feature "$JDK_HOME/bin/java")-source"
    if [[ $JDK_HOME == /usr/lib/jvm/* ]] && can_apt && apt_install "$package" \
        && [[ -e $JDK_HOME/lib/src.zip ]]; then
        return 0
    fi
    note "no $JDK_HOME/lib/src.zip: help (Shift-Tab) shows signatures without Javadoc (Debian: apt-get install $package)"
}

# Sets PY. Order: ALEXLAB_PYTHON, the system Python (Debian's Jupyter packages), build/venv.
find_python() {
    local candidate
    for candidate in "${ALEXLAB_PYTHON:-}" /usr/bin/python3 "$BUILD/venv/bin/python"; do
        if [[ -n $candidate ]] && has_jupyter "$candidate"; then
            PY=$candidate
            return 0
        fi
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
            mkdir -p "$BUILD"
            python3 -m venv "$BUILD/venv" \
                || die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
            "$BUILD/venv/bin/python" -m pip install --quiet notebook nbclient nbconvert jupyter_kernel_test \
                || die "pip could not install Jupyter into build/venv"
            find_python || die "build/venv still lacks one of: $JUPYTER_MODULES"
        fi
    fi
    mkdir -p "$BUILD"
    echo "$PY" > "$BUILD/python"
    note "Python: $PY"
}

build_kernel() {
    say "building the kernel (mvn package)"
    (cd "$REPO" && maven -q package -DskipTests)
}

# Every Python interpreter we know of prints its site-packages folders, one per line.
site_packages() {
    local python
    for python in /usr/bin/python3 "$(command -v python3 || true)" "$BUILD/venv/bin/python"; do
        [[ -n $python && -x $python ]] || continue
        "$python" -c 'import site
for p in site.getsitepackages() + [site.getusersitepackages()]: print(p)' 2>/dev/null || true
    done
}

# Does this folder hold a CUDA 13 library (or cuDNN 9, which our CUDA 13 bindings use)?
has_cuda13() {
    [[ -d $1 ]] || return 1
    compgen -G "$1/lib@(cudart|cublas|cublasLt|nvrtc).so.13*" >/dev/null || compgen -G "$1/libcudnn*.so.9*" >/dev/null
}

# Folders with CUDA 13 libraries, one per line, each once. JavaCPP looks them up through the
# dynamic linker, so they go into the kernel's LD_LIBRARY_PATH (kernel/ARCHITECTURE.md, 4.3).
find_cuda_dirs() {
    local ldconfig dir sp
    shopt -s extglob nullglob
    ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
    {
        "$ldconfig" -p 2>/dev/null \
            | awk '$1 ~ /^lib(cudart|cublas|cublasLt|nvrtc)\.so\.13$/ || $1 ~ /^libcudnn.*\.so\.9$/ { print $NF }' \
            | while read -r lib; do dirname "$lib"; done
        for dir in /usr/local/cuda*/lib64 /usr/local/cuda*/targets/x86_64-linux/lib; do
            has_cuda13 "$dir" && echo "$dir"
        done
        while read -r sp; do
            has_cuda13 "$sp/nvidia/cu13/lib" && echo "$sp/nvidia/cu13/lib"
            # nvidia/cudnn/lib is shared by the cu12 and cu13 wheels; take only the CUDA 13 build.
            if compgen -G "$sp/nvidia_cudnn_cu13-*.dist-info" >/dev/null; then
                has_cuda13 "$sp/nvidia/cudnn/lib" && echo "$sp/nvidia/cudnn/lib"
            fi
        done < <(site_packages | awk '!seen[$0]++')
    } | while read -r dir; do readlink -f "$dir"; done | awk '!seen[$0]++'
    shopt -u extglob nullglob
}

# Is an NVIDIA driver here? Its user-space library (libcuda.so.1) comes with the driver, never
# with the CUDA libraries; without it they cannot reach a GPU.
has_nvidia_driver() {
    local ldconfig
    ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
    [[ -e /proc/driver/nvidia/version ]] || "$ldconfig" -p 2>/dev/null | grep -q 'libcuda\.so\.1 ' \
        || compgen -G "/usr/lib/wsl/lib/libcuda.so.1" >/dev/null
}

# Sets CUDA_LIBRARY_PATH to the folders the kernel gets in its LD_LIBRARY_PATH: those with CUDA 13
# libraries, and only when an NVIDIA driver is there to use them.
find_cuda() {
    say "looking for an NVIDIA driver and CUDA 13 libraries"
    local dirs
    dirs=$(find_cuda_dirs || true)
    CUDA_LIBRARY_PATH=""
    if [[ -z $dirs ]]; then
        note "no CUDA 13 libraries found: the kernel will use the CPU"
    elif ! has_nvidia_driver; then
        note "CUDA 13 libraries in $(echo "$dirs" | paste -sd' ' -), but no NVIDIA driver (no libcuda.so.1):"
        note "not used; the kernel will use the CPU"
    else
        CUDA_LIBRARY_PATH=$(echo "$dirs" | paste -sd: -)
        echo "$dirs" | while read -r dir; do note "using CUDA 13 libraries in $dir"; done
    fi
}

# write_kernelspec JAVA OUTDIR NAME DISPLAY-NAME: the kernel writes its own kernel.json, with
# the java that runs it as the kernel's java.
write_kernelspec() {
    local java=$1 out=$2 name=$3 display=$4 env_args=()
    [[ -n ${CUDA_LIBRARY_PATH:-} ]] && env_args+=(--env "LD_LIBRARY_PATH=$CUDA_LIBRARY_PATH")
    "$java" -cp "$LIB/*" "$MAIN_CLASS" kernelspec "$out" --name "$name" --display-name "$display" \
        ${env_args[@]+"${env_args[@]}"} >/dev/null
}

# This checkout's kernelspec in build/jupyter/kernels/alexlab, put first on JUPYTER_PATH: run,
# test and the notebook server start this checkout's kernel, and the user's kernelspec is untouched.
use_local_kernelspec() {
    rm -rf "$LOCAL_JUPYTER/kernels/$KERNEL_NAME"
    mkdir -p "$LOCAL_JUPYTER/kernels"
    write_kernelspec "$JDK_HOME/bin/java" "$LOCAL_JUPYTER/kernels" "$KERNEL_NAME" "$KERNEL_DISPLAY_NAME"
    export JUPYTER_PATH="$LOCAL_JUPYTER${JUPYTER_PATH:+:$JUPYTER_PATH}"
}

# The checkout an installed alexlab kernelspec runs (the folder above kernel/target/lib), or "".
installed_kernel_checkout() {
    py - "$KERNEL_NAME" <<'EOF' 2>/dev/null || true
import re, sys
from jupyter_client.kernelspec import KernelSpecManager
spec = KernelSpecManager().get_kernel_spec(sys.argv[1])
for arg in spec.argv:
    m = re.search(r"(.*)/kernel/target/lib/", arg)
    if m:
        print(m.group(1))
        break
EOF
}

# The user's "alexlab" kernelspec, for every Jupyter front end (JupyterLab, VS Code, nbconvert).
install_kernelspec() {
    say "installing the kernel \"$KERNEL_DISPLAY_NAME\" ($KERNEL_NAME) for this user"
    local out="$BUILD/kernelspec" log before
    before=$(JUPYTER_PATH="" installed_kernel_checkout)
    if [[ -n $before && $(readlink -f "$before" 2>/dev/null || echo "$before") != "$REPO" ]]; then
        note "it ran the checkout in $before until now; from now on it runs this one ($REPO)"
    fi
    rm -rf "$out"
    write_kernelspec "$JDK_HOME/bin/java" "$out" "$KERNEL_NAME" "$KERNEL_DISPLAY_NAME"
    log=$(JUPYTER_PATH="" py -m jupyter_client.kernelspecapp install --user --name "$KERNEL_NAME" "$out/$KERNEL_NAME" 2>&1) \
        || { echo "$log" >&2; die "could not install the kernelspec"; }
    note "$(echo "$log" | sed -n 's/.*Installed kernelspec/installed/p')"
}

# Is this checkout's kernelspec written, for this checkout's jars and an existing java?
local_kernelspec_ready() {
    local spec="$LOCAL_JUPYTER/kernels/$KERNEL_NAME/kernel.json" java
    [[ -f $spec ]] && grep -qF "$LIB" "$spec" || return 1
    java=$(py -c 'import json, sys; print(json.load(open(sys.argv[1]))["argv"][0])' "$spec" 2>/dev/null) || return 1
    [[ -x $java ]]
}

# The SHA-256 of a data file's content, decompressed when it is gzip: the manifest lists the
# uncompressed IDX content, so a recompressed copy of the same data still matches.
content_digest() {  # FILE
    if [[ $1 == *.gz ]]; then gzip -dc -- "$1"; else cat -- "$1"; fi | sha256sum | cut -d' ' -f1
}

# The bundled data must be exactly what SHA256SUMS says. The manifest also lists the full sets
# (read from elsewhere), so files that are not bundled are skipped here.
verify_datasets() {
    local dir="$REPO/datasets" expected name file actual checked=0 failed=""
    [[ -f $dir/SHA256SUMS ]] || return 0
    say "checking datasets/ against datasets/SHA256SUMS"
    while read -r expected name; do
        [[ -z $expected || $expected == \#* ]] && continue
        name=${name#\*}
        if [[ -f $dir/$name.gz ]]; then file=$name.gz
        elif [[ -f $dir/$name ]]; then file=$name
        else continue
        fi
        actual=$(content_digest "$dir/$file") || actual="(unreadable)"
        checked=$((checked + 1))
        [[ $actual == "$expected" ]] || failed+="    $file: expected $expected, got $actual"$'\n'
    done <"$dir/SHA256SUMS"
    if [[ -n $failed ]]; then
        die "these files in datasets/ do not match datasets/SHA256SUMS:
${failed%$'\n'}
  Restore them (e.g. git checkout -- datasets/) and run this again."
    elif (( checked > 0 )); then
        note "$checked file(s) OK"
    else
        note "none of the listed files is bundled"
    fi
}

# A folder with the four Fashion-MNIST files (.gz or plain)?
has_fashion_mnist() {
    local name
    for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
        [[ -f $1/$name.gz || -f $1/$name ]] || return 1
    done
}

# The full Fashion-MNIST for the notebooks: Debian's package where apt-get may be used, else the
# verified download into the cache (FetchFashionMnist). Never fatal: without it the course runs on
# the bundled subset and says so.
ensure_full_dataset() {
    say "making the full Fashion-MNIST available (60,000 training and 10,000 test images)"
    if [[ -n $OFFLINE ]]; then
        note "skipped (--offline): the notebooks use the bundled subset (2,000 + 1,000 images) and say so"
        return 0
    fi
    if [[ -n ${ALEXLAB_DATA:-} ]]; then
        note "ALEXLAB_DATA=$ALEXLAB_DATA: the notebooks read that folder"
        return 0
    fi
    if ! has_fashion_mnist "$DEBIAN_DATA" && can_apt; then
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
    find_cuda
    use_local_kernelspec
    verify_datasets
}

# setup for the user: besides setup_core, the installed kernelspec and the full data set.
setup() {
    setup_core
    install_kernelspec
    ensure_full_dataset
    say "setup done"
}

# `run` skips setup when it already happened; it needs only the Python, the jars and the kernel.
ensure_setup() {
    if [[ -s $BUILD/python ]]; then
        PY=$(<"$BUILD/python")
        if has_jupyter "$PY" && compgen -G "$LIB/*.jar" >/dev/null && local_kernelspec_ready; then
            export JUPYTER_PATH="$LOCAL_JUPYTER${JUPYTER_PATH:+:$JUPYTER_PATH}"
            return 0
        fi
    fi
    setup_core
}

# ---------------------------------------------------------------------------------------------
# Commands

cmd_setup() {
    case ${1:-} in
        -h|--help) usage_setup; return 0 ;;
        --offline) OFFLINE=1 ;;
        "") ;;
        *) die "setup takes only --offline (see ./install.sh setup --help)" ;;
    esac
    setup
}

cmd_notebook() {
    setup
    local args=(--notebook-dir="$REPO/notebooks" --ip=127.0.0.1)
    # No display: a browser cannot open, so don't let Jupyter try.
    [[ -z ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] && args+=(--no-browser)
    # Jupyter refuses to run as root unless told; containers often are root.
    [[ $EUID -eq 0 ]] && args+=(--allow-root)
    say "starting Jupyter Notebook on notebooks/ (Ctrl-C stops it)"
    say "open the URL that Jupyter prints below (the one with ?token=...)"
    exec "$PY" -Xfrozen_modules=off -m notebook "${args[@]}" "$@"
}

cmd_run() {
    local out="$BUILD/executed" notebooks=() jupyter=1 timeout=()
    while (( $# )); do
        case $1 in
            -h|--help) usage_run; return 0 ;;
            --out) (( $# >= 2 )) || die "--out needs a folder"; out=$2; shift 2 ;;
            --out=*) out=${1#--out=}; shift ;;
            --no-jupyter) jupyter=0; shift ;;
            --timeout) (( $# >= 2 )) || die "--timeout needs seconds"; timeout=(--timeout "$2"); shift 2 ;;
            -*) die "unknown option $1 (see ./install.sh run --help)" ;;
            *) notebooks+=("$1"); shift ;;
        esac
    done
    (( ${#notebooks[@]} )) || die "name at least one notebook (see ./install.sh run --help)"
    if (( jupyter )); then
        (( ${#timeout[@]} == 0 )) || die "--timeout goes with --no-jupyter (Jupyter's runner reads ALEXLAB_CELL_TIMEOUT)"
        ensure_setup
        py "$RUN_NOTEBOOKS" --out "$out" "${notebooks[@]}"
        return
    fi
    ensure_jdk_and_maven
    compgen -G "$LIB/*.jar" >/dev/null || build_kernel
    find_cuda
    LD_LIBRARY_PATH="${CUDA_LIBRARY_PATH:-}${CUDA_LIBRARY_PATH:+${LD_LIBRARY_PATH:+:}}${LD_LIBRARY_PATH:-}" \
        "$JDK_HOME/bin/java" -Djava.awt.headless=true -cp "$LIB/*" io.github.alexlab.kernel.Main run \
        --out "$out" "${timeout[@]}" "${notebooks[@]}"
}

# --- test: each stage adds to these counts and returns non-zero when it failed ---------------
PASSED=0 FAILED=0 SKIPPED=0

# tally PASSED FAILED SKIPPED RC: a stage that failed without a failed test to show for it
# (a compile error, a crash) still counts as one failure, so the summary never hides it.
tally() {
    local passed=${1:-0} failed=${2:-0} skipped=${3:-0} rc=$4
    if (( rc != 0 && failed == 0 )); then failed=1; fi
    PASSED=$((PASSED + passed)) FAILED=$((FAILED + failed)) SKIPPED=$((SKIPPED + skipped))
    return "$rc"
}

# "N passed, N failed, N skipped" from the last line of LOG that starts with PREFIX.
counts_from_log() {  # PREFIX LOG
    grep -E "^$1: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped" "$2" | tail -n 1 \
        | sed -E 's/^[^:]*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/'
}

# Surefire writes one XML file per test class and run (surefire-reports: the whole suite;
# surefire-reports-plain: the blocks again on ND4J's plain build); failures and errors both count as failed.
junit_counts() {
    py - "$REPO/kernel/target" <<'EOF'
import glob, os, sys
import xml.etree.ElementTree as ET
tests = failed = skipped = 0
for path in glob.glob(os.path.join(sys.argv[1], "surefire-reports*", "TEST-*.xml")):
    root = ET.parse(path).getroot()
    for suite in ([root] if root.tag == "testsuite" else root.iter("testsuite")):
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
        for case in suite.iter("testcase"):  # say why each skipped test did not run
            for skip in case.iter("skipped"):
                print(f"    skipped {case.get('classname', '').rsplit('.', 1)[-1]}.{case.get('name')}: "
                      f"{skip.get('message') or 'no reason given'}", file=sys.stderr)
print(tests - failed - skipped, failed, skipped)
EOF
}

stage_junit() {
    say "stage 1/4: JUnit (mvn test)"
    local rc=0 counts
    rm -rf "$REPO/kernel/target/surefire-reports" "$REPO/kernel/target/surefire-reports-plain"  # no stale reports
    # GPU tests need the same CUDA libraries the kernel gets through its kernelspec.
    LD_LIBRARY_PATH="${CUDA_LIBRARY_PATH:-}${CUDA_LIBRARY_PATH:+${LD_LIBRARY_PATH:+:}}${LD_LIBRARY_PATH:-}" \
        maven test || rc=$?
    counts=$(junit_counts || echo "0 0 0")
    # shellcheck disable=SC2086
    tally $counts "$rc"
}

stage_jdk_matrix() {
    say "stage 2/4: kernelspecs for further JDKs ($MIN_EXTRA_JDK+)"
    local rc=0
    write_test_kernelspecs || rc=$?
    tally 0 0 0 "$rc"
}

# A kernelspec alexlab-jdkNN per further JDK, in build/test-jupyter; sets JUPYTER_PATH and
# ALEXLAB_TEST_KERNELS (this checkout's kernel first) for the tests that talk to kernels.
write_test_kernelspecs() {
    local kernels=("$KERNEL_NAME") homes=() home feature name rc=0 explicit=""
    local out="$BUILD/test-jupyter/kernels"
    rm -rf "$out"
    mkdir -p "$out"
    if [[ -n ${ALEXLAB_TEST_JDKS+set} ]]; then
        read -r -a homes <<<"$ALEXLAB_TEST_JDKS"
        explicit=1
    else
        for home in /usr/lib/jvm/*/; do [[ -d $home ]] && homes+=("${home%/}"); done
    fi
    for home in ${homes[@]+"${homes[@]}"}; do
        feature=$(java_feature "$home/bin/java" 2>/dev/null || true)
        if [[ ! $feature =~ ^[0-9]+$ ]]; then
            [[ -n $explicit ]] && { note "not a JDK: $home"; rc=1; }
            continue
        fi
        # Named ones are the user's choice (any the kernel supports); found ones only if newer.
        if [[ -n $explicit ]]; then
            (( feature >= MIN_JDK )) || { note "JDK $feature is older than $MIN_JDK: $home"; rc=1; continue; }
        else
            (( feature >= MIN_EXTRA_JDK )) || continue
            [[ $(readlink -f "$home") == "$JDK_HOME" ]] && continue
        fi
        name="$KERNEL_NAME-jdk$feature"
        [[ " ${kernels[*]} " == *" $name "* ]] && continue  # two copies of one release: test one
        if write_kernelspec "$home/bin/java" "$out" "$name" "Java (AlexLab, JDK $feature)"; then
            kernels+=("$name")
            note "$name: $home"
        else
            note "could not write a kernelspec with $home/bin/java"
            rc=1
        fi
    done
    (( ${#kernels[@]} > 1 )) || note "no further JDK found; testing $KERNEL_NAME only"
    # jupyter_client finds kernelspecs in $JUPYTER_PATH/kernels, besides the installed ones.
    export JUPYTER_PATH="$BUILD/test-jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
    export ALEXLAB_TEST_KERNELS="${kernels[*]}"
    note "ALEXLAB_TEST_KERNELS=\"$ALEXLAB_TEST_KERNELS\""
    return "$rc"
}

stage_protocol() {
    say "stage 3/4: protocol tests"
    if [[ ! -f $PROTOCOL_TESTS ]]; then
        note "skipped: ${PROTOCOL_TESTS#"$REPO"/} does not exist yet"
        return 0
    fi
    local log="$BUILD/test-logs/protocol.log" rc=0 counts
    mkdir -p "$(dirname "$log")"
    py "$PROTOCOL_TESTS" 2>&1 | tee "$log" || rc=$?
    counts=$(counts_from_log python "$log")
    # shellcheck disable=SC2086
    tally ${counts:-0 0 0} "$rc"
}

stage_notebooks() {
    say "stage 4/4: notebooks and lessons"
    local dir files log rc=0 status counts
    mkdir -p "$BUILD/test-logs"
    # The test budget: the smallest the notebooks advertise, 1 epoch on at most 2000 images, unless
    # told otherwise. Unset, a notebook uses its own (full) budget, as ./install.sh run does.
    export ALEXLAB_EPOCHS="${ALEXLAB_EPOCHS:-1}" ALEXLAB_DATASET_LIMIT="${ALEXLAB_DATASET_LIMIT:-2000}"
    note "training budget: ALEXLAB_EPOCHS=$ALEXLAB_EPOCHS ALEXLAB_DATASET_LIMIT=$ALEXLAB_DATASET_LIMIT"
    # The data: the bundled subset, whatever else this machine has, unless the caller names a folder.
    if [[ -n ${ALEXLAB_DATA:-} ]]; then
        note "data: ALEXLAB_DATA=$ALEXLAB_DATA (set by the caller)"
    else
        export ALEXLAB_DATA="$BUNDLED_DATA"
        note "data: the bundled subset, ALEXLAB_DATA=${BUNDLED_DATA#"$REPO"/} (set ALEXLAB_DATA to test on other data)"
    fi
    for dir in notebooks lessons; do
        shopt -s nullglob
        files=("$dir"/*.ipynb)
        shopt -u nullglob
        if (( ${#files[@]} == 0 )); then
            note "no $dir/*.ipynb yet"
            continue
        fi
        # One folder per source folder, so a lesson cannot overwrite a notebook of the same name.
        rm -rf "$BUILD/executed/$dir"
        log="$BUILD/test-logs/$dir.log"
        status=0
        "$REPO/install.sh" run --out "$BUILD/executed/$dir" "${files[@]}" 2>&1 | tee "$log" || status=$?
        counts=$(counts_from_log notebooks "$log")
        # shellcheck disable=SC2086
        tally ${counts:-0 0 0} "$status" || rc=1
    done
    # The kernel tour once more through Jupyter's own command line, as users run notebooks.
    if [[ -f notebooks/00-welcome.ipynb ]]; then
        log="$BUILD/test-logs/nbconvert.log"
        status=0
        py -m nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=alexlab \
            --output-dir "$BUILD/nbconvert" notebooks/00-welcome.ipynb >"$log" 2>&1 || status=$?
        if (( status == 0 )); then
            echo "ok  nbconvert --execute notebooks/00-welcome.ipynb"
            tally 1 0 0 0
        else
            tail -n 30 "$log"
            echo "FAIL nbconvert --execute notebooks/00-welcome.ipynb (log: $log)"
            tally 0 1 0 "$status" || rc=1
        fi
    fi
    return "$rc"
}

cmd_test() {
    case ${1:-} in
        -h|--help) usage_test; return 0 ;;
        "") ;;
        *) die "test takes no arguments (see ./install.sh test --help)" ;;
    esac
    setup_core  # not the user's kernelspec, not the data download: tests use this checkout's own
    cd "$REPO"  # notebooks are named relative to the checkout in the report
    local failed_stages=()
    stage_junit || failed_stages+=("JUnit")
    stage_jdk_matrix || failed_stages+=("JDK kernelspecs")
    stage_protocol || failed_stages+=("protocol")
    stage_notebooks || failed_stages+=("notebooks")
    if (( ${#failed_stages[@]} )); then
        say "failed: $(IFS=,; echo "${failed_stages[*]}" | sed 's/,/, /g')"
    else
        say "all stages passed"
    fi
    echo "tests: $PASSED passed, $FAILED failed, $SKIPPED skipped"
    (( ${#failed_stages[@]} == 0 ))
}

cmd_selftest() {
    case ${1:-} in
        -h|--help) echo "Usage: ./install.sh selftest   (builds if needed, then checks the CPU and the GPU)"; return 0 ;;
        "") ;;
        *) die "selftest takes no arguments" ;;
    esac
    ensure_jdk_and_maven
    compgen -G "$LIB/*.jar" >/dev/null || build_kernel
    find_cuda
    LD_LIBRARY_PATH="${CUDA_LIBRARY_PATH:-}${CUDA_LIBRARY_PATH:+${LD_LIBRARY_PATH:+:}}${LD_LIBRARY_PATH:-}" \
        "$JDK_HOME/bin/java" -Djava.awt.headless=true "-Dalexlab.datasets=$REPO/datasets" -cp "$LIB/*" \
        io.github.alexlab.bench.SelfTest
}

cmd_gpucheck() {
    case ${1:-} in
        -h|--help) cat <<'EOF2'
Usage: ./install.sh gpucheck --out DIR [--quick]

Checks every GPU claim of the project on this machine, each step in a JVM of its own: the device
facts and CUDA libraries, every GPU test (JUnit, outside Maven), the selftest, the GEMM and AlexNet
benchmarks with their PyTorch peer (kernel/src/main/python/torch_peer.py, when python3 has PyTorch
with CUDA) and AlexLab/PyTorch ratios, and unless --quick, notebooks 01, 02 and 05-08 at the test
budget. Without a GPU the
GPU steps say why they were skipped. DIR gets gpucheck-report.txt and the executed notebooks; the
summary table comes last. The bundle runs the same as bin/alexlab gpucheck.
EOF2
            return 0 ;;
    esac
    ensure_jdk_and_maven
    build_kernel
    find_cuda
    LD_LIBRARY_PATH="${CUDA_LIBRARY_PATH:-}${CUDA_LIBRARY_PATH:+${LD_LIBRARY_PATH:+:}}${LD_LIBRARY_PATH:-}" \
        "$JDK_HOME/bin/java" -Djava.awt.headless=true --add-modules jdk.incubator.vector \
        "-Dalexlab.datasets=$REPO/datasets" -cp "$LIB/*" io.github.alexlab.kernel.Main gpucheck "$@"
}

usage_reliability() {
    cat <<'EOF'
Usage: ./install.sh reliability

Sets up, then runs each script in kernel/src/test/python/reliability/ against this checkout's
kernel (and one per further JDK, as test does): many kernel starts under CPU load with a first
cell at once, a soak of thousands of cells, and whatever else is there. Each script can also be
run alone (see its --help). Evidence of a failure (the kernel's output, thread dumps) is kept
under build/reliability/. The last line is "reliability: N passed, N failed".
EOF
}

cmd_reliability() {
    case ${1:-} in
        -h|--help) usage_reliability; return 0 ;;
        "") ;;
        *) die "reliability takes no arguments (see ./install.sh reliability --help)" ;;
    esac
    setup_core
    cd "$REPO"
    write_test_kernelspecs || die "could not write the kernelspecs to test"
    py "$REPO/kernel/src/test/python/reliability/run_all.py"
}

cmd_bench() {
    case ${1:-} in
        -h|--help|"") cat <<'EOF2'
Usage: ./install.sh bench NAME [ARGS...]

Runs the benchmark program io.github.alexlab.bench.NAME with the kernel's JVM flags (the vector
API, headless) and the CUDA 13 libraries found by setup. Benchmarks print ratios measured side by
side in one run; absolute times belong to the machine they ran on.

  MatmulLadderBenchmark [n]       the matmul ladder (default n = 2048) and the CPU's ceilings
  GemmBenchmark [n...]            cuBLAS in FP32, TF32, FP16, BF16, INT8 vs the datasheet (GPU)
  AlexNetCpuBenchmark [batch] [steps]   one-tower AlexNet, time per layer on the CPU
  AlexNetGpuBenchmark [batch]     AlexNet images/s, CPU and GPU side by side
  LeNetCpuBenchmark [epochs] [batch]    LeNet-5 epochs on the full Fashion-MNIST training set
EOF2
            [[ -n ${1:-} ]] && return 0 || return 2 ;;
    esac
    local name=$1; shift
    [[ $name =~ ^[A-Za-z0-9]+$ ]] || die "bench: '$name' is not a benchmark name (see ./install.sh bench --help)"
    ensure_jdk_and_maven
    compgen -G "$LIB/*.jar" >/dev/null || build_kernel
    find_cuda
    LD_LIBRARY_PATH="${CUDA_LIBRARY_PATH:-}${CUDA_LIBRARY_PATH:+${LD_LIBRARY_PATH:+:}}${LD_LIBRARY_PATH:-}" \
        "$JDK_HOME/bin/java" -Djava.awt.headless=true --add-modules jdk.incubator.vector \
        "-Dalexlab.datasets=$REPO/datasets" -cp "$LIB/*" "io.github.alexlab.bench.$name" "$@"
}

# The Java modules the kernel needs (JShell and its compiler, JavaCPP's Unsafe, charts, the vector API).
# The jars need java.base, java.compiler, java.desktop, java.logging, java.management, java.sql, java.xml,
# jdk.jshell, jdk.management and jdk.unsupported (jdeps -summary over the jars' classes); javac reads
# jars through jdk.zipfs; jdk.crypto.ec lets downloads use TLS. jlink adds what these require.
# java.naming, java.net.http and java.scripting are not used by any jar or notebook (-0.4 MiB).
# java.instrument: the kernel jar is also a Java agent (-javaagent), the guard against System.exit in cells.
BUNDLE_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.prefs,java.sql,java.xml,jdk.compiler,jdk.jshell,jdk.jdi,jdk.unsupported,jdk.zipfs,jdk.crypto.ec,jdk.management,jdk.incubator.vector
BUNDLE_MAX_BYTES=$((64 * 1024 * 1024))
# The GPU kit travels to a GPU host together with the checkout's tracked files, in one 64 MiB transfer;
# 2 MiB of it stay free for whatever else the run brings.
GPUKIT_MAX_BYTES=$((62 * 1024 * 1024))

# Writes $1/alexlab: a jlink-ed Java runtime, the kernel's jars (repacked), the bundled data subset,
# the notebooks, the PyTorch peer script and bin/alexlab: what runs on a host with no JDK or Maven.
stage_bundle() {
    local root=$1/alexlab jar asm
    rm -rf "$1"
    mkdir -p "$root/bin" "$root/lib"
    say "a Java runtime (jlink, $("$JDK_HOME/bin/java" -version 2>&1 | head -1))"
    # --compress=0: xz packs the plain module image smaller than one jlink compressed. Left out: javac's
    # ct.sym (--release data), and the X11 toolkit and the splash screen, which a headless JVM never
    # loads (bin/alexlab always runs with -Djava.awt.headless=true; -0.1 MiB).
    "$JDK_HOME/bin/jlink" --add-modules "$BUNDLE_MODULES" --strip-debug --no-man-pages --no-header-files \
        --compress=0 --exclude-files='**/ct.sym,**/libawt_xawt.so,**/libsplashscreen.so' --output "$root/runtime"
    # The runtime's native libraries keep their dynamic symbols (what the loader and JNI use) and lose
    # their symbol tables, which only debuggers and crash reports read (libjvm.so: 24 -> 20 MB, -0.8 MiB).
    # jlink --strip-native-debug-symbols does not remove them.
    if command -v strip >/dev/null 2>&1; then
        find "$root/runtime" -name '*.so' -exec strip --strip-unneeded {} +
    fi
    say "the jars, stored without zip compression (xz packs them smaller), without what cannot run"
    local jars=()
    for jar in "$LIB"/*.jar; do
        # Of ND4J's three native builds only the AVX2 one: packed, it is 4.7 MiB smaller than the portable
        # build and 4.5 MiB smaller than the oneDNN one, and every GPU host's CPU has AVX2 (bin/alexlab
        # says so where one does not). CpuEngine picks the build that is there.
        case ${jar##*/} in
            nd4j-native-*-linux-x86_64.jar|nd4j-native-*-onednn*.jar) continue ;;
        esac
        jars+=("$jar")
    done
    # What is left out of each jar, and why that is safe: see the comments in RepackJars.java (it
    # reads and rewrites classes with ASM, one of the kernel's own dependencies).
    asm=$(compgen -G "$LIB/asm-[0-9]*.jar" | head -n 1) || die "no ASM jar in $LIB (mvn package copies it there)"
    "$JDK_HOME/bin/java" -cp "$asm" "$REPO/kernel/src/main/bundle/RepackJars.java" "$root/lib" "${jars[@]}"
    cp -r "$REPO/datasets" "$root/datasets"
    # The data files go in plain: xz packs raw IDX images 14% smaller than gzip did (-0.17 MiB).
    # FashionMnist reads NAME.gz or plain NAME, and SHA256SUMS is over the plain content.
    find "$root/datasets" -name '*.gz' -exec gunzip {} +
    mkdir -p "$root/notebooks"
    cp "$REPO"/notebooks/*.ipynb "$root/notebooks/"
    install -m 755 "$REPO/kernel/src/main/bundle/alexlab" "$root/bin/alexlab"
    install -D -m 644 "$REPO/kernel/src/main/python/torch_peer.py" "$root/python/torch_peer.py"  # gpucheck's PyTorch peer
}

# Packs the folder alexlab in $1 into the archive $2 and prints its size.
pack_alexlab() {
    local size
    say "packing ${2#"$REPO"/}"
    # x86 filter: native code compresses ~5% better; a large window finds the repeats in libnd4jcpu.so;
    # 9e (the extreme preset) saves another 0.5 MiB for a few more minutes. Unpacking needs 256 MiB.
    rm -f "$2"
    tar -C "$1" -cf - alexlab | xz -T1 --x86 --lzma2=preset=9e,dict=256MiB >"$2"
    size=$(stat -c %s "$2")
    note "$(mib "$size") ($size bytes)"
}

mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }

cmd_bundle() {
    case ${1:-} in
        -h|--help) cat <<'EOF2'
Usage: ./install.sh bundle

Builds build/alexlab-bundle.tar.xz (about 58 MiB; it must stay under 64 MiB, to travel in one 64 MiB
transfer): a jlink-ed Java runtime, the kernel's jars (ND4J's AVX2 build only; repacked smaller by
kernel/src/main/bundle/RepackJars.java, which says what it leaves out and why), the bundled
Fashion-MNIST subset, the notebooks and bin/alexlab. On a GPU host with only an NVIDIA driver and
CUDA 13 libraries (no JDK, Maven or network; an x86-64 CPU with AVX2):
  tar -xJf alexlab-bundle.tar.xz && alexlab/bin/alexlab selftest
EOF2
            return 0 ;;
        "") ;;
        *) die "bundle takes no arguments (see ./install.sh bundle --help)" ;;
    esac
    ensure_jdk_and_maven
    build_kernel
    local archive="$BUILD/alexlab-bundle.tar.xz" size
    stage_bundle "$BUILD/bundle"
    pack_alexlab "$BUILD/bundle" "$archive"
    size=$(stat -c %s "$archive")
    if (( size > BUNDLE_MAX_BYTES )); then
        note "WARNING: larger than the 64 MiB target; to carry it in pieces: split -b 60m $archive part-"
    fi
    say "done: tar -xJf $archive && alexlab/bin/alexlab selftest"
}

cmd_gpukit() {
    case ${1:-} in
        -h|--help) cat <<'EOF2'
Usage: ./install.sh gpukit

Builds build/gpukit/alexlab-gpukit.tar.xz: the bundle (see ./install.sh bundle --help) and what
gpucheck needs besides: the compiled tests (test-classes/) and JUnit's launcher (test-lib/). On a
GPU host with only an NVIDIA driver and CUDA 13 libraries:
  tar -xJf alexlab-gpukit.tar.xz && alexlab/bin/alexlab gpucheck --quick --out DIR
It prints the kit's size and the size of this checkout's tracked files: the two travel together
and must stay under 62 MiB (exit code 1 if they do not).
EOF2
            return 0 ;;
        "") ;;
        *) die "gpukit takes no arguments (see ./install.sh gpukit --help)" ;;
    esac
    ensure_jdk_and_maven
    build_kernel
    local out="$BUILD/gpukit" kit tracked total asm
    [[ -d $REPO/kernel/target/test-classes && -d $REPO/kernel/target/test-lib ]] \
        || die "no kernel/target/test-classes or test-lib (mvn package compiles the tests and copies JUnit there)"
    stage_bundle "$out/stage"
    say "the tests and JUnit's launcher"
    cp -r "$REPO/kernel/target/test-classes" "$out/stage/alexlab/test-classes"
    asm=$(compgen -G "$LIB/asm-[0-9]*.jar" | head -n 1)
    "$JDK_HOME/bin/java" -cp "$asm" "$REPO/kernel/src/main/bundle/RepackJars.java" "$out/stage/alexlab/test-lib" \
        "$REPO"/kernel/target/test-lib/*.jar
    pack_alexlab "$out/stage" "$out/alexlab-gpukit.tar.xz"
    kit=$(stat -c %s "$out/alexlab-gpukit.tar.xz")
    tracked=$(tracked_bytes)
    total=$((kit + tracked))
    say "sizes"
    note "kit:                $(mib "$kit") (${out#"$REPO"/}/alexlab-gpukit.tar.xz)"
    note "tracked files:      $(mib "$tracked") (git ls-files)"
    note "together:           $(mib "$total"), limit $(mib "$GPUKIT_MAX_BYTES")"
    (( total <= GPUKIT_MAX_BYTES )) || die "the kit and the tracked files together are over $(mib "$GPUKIT_MAX_BYTES")"
    rm -rf "$out/stage"
    say "done: tar -xJf ${out#"$REPO"/}/alexlab-gpukit.tar.xz && alexlab/bin/alexlab gpucheck --quick --out DIR"
}

# The bytes of the files git tracks in this checkout (what travels with the kit).
tracked_bytes() {
    git -C "$REPO" ls-files -z | (cd "$REPO" && xargs -0 stat -c %s --) | awk '{ s += $1 } END { print s + 0 }'
}

main() {
    if [[ ${1:-} == --offline ]]; then OFFLINE=1; shift; fi
    case ${1:-} in
        "") cmd_notebook ;;
        --) shift; cmd_notebook "$@" ;;
        -h|--help|help) usage ;;
        setup) shift; cmd_setup "$@" ;;
        test) shift; cmd_test "$@" ;;
        run) shift; cmd_run "$@" ;;
        selftest) shift; cmd_selftest "$@" ;;
        gpucheck) shift; cmd_gpucheck "$@" ;;
        bench) shift; cmd_bench "$@" ;;
        reliability) shift; cmd_reliability "$@" ;;
        bundle) shift; cmd_bundle "$@" ;;
        gpukit) shift; cmd_gpukit "$@" ;;
        *) echo "install.sh: unknown command '$1'" >&2; usage >&2; exit 2 ;;
    esac
}

# Sourcing the file (to try one function) defines everything and runs nothing.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    main "$@"
fi
