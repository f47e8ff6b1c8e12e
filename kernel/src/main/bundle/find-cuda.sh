# Finding the CUDA 13 libraries, for the launcher (bin/alexlab, in the checkout and in the bundle) and
# for install.sh's kernelspec: the one place that knows where they live. Sourced, not run.
# JavaCPP looks them up through the dynamic linker, so their folders go on LD_LIBRARY_PATH
# (kernel/ARCHITECTURE.md, "Finding the CUDA libraries").

# Does this folder hold a CUDA 13 library (or cuDNN 9, which our CUDA 13 bindings use)?
has_cuda13() {
    [[ -d $1 ]] || return 1
    compgen -G "$1/lib@(cudart|cublas|cublasLt|nvrtc).so.13*" >/dev/null || compgen -G "$1/libcudnn*.so.9*" >/dev/null
}

# The site-packages folders of every Python we know of (NVIDIA's wheels), one per line; a checkout's
# build/venv comes in through CUDA_EXTRA_PYTHON.
site_packages() {
    local python
    for python in python3 /usr/bin/python3 /opt/*/.venv/bin/python3 /opt/*/bin/python3 "${CUDA_EXTRA_PYTHON:-}"; do
        command -v "$python" >/dev/null 2>&1 || [[ -x $python ]] || continue
        "$python" -c 'import site
for p in site.getsitepackages() + [site.getusersitepackages()]: print(p)' 2>/dev/null || true
    done
}

# Folders with CUDA 13 libraries, one per line, each once: ALEXLAB_CUDA_PATH=DIR[:DIR] first, then
# what ldconfig lists, /usr/local/cuda*, and NVIDIA's Python wheels.
cuda_dirs() {
    local dir sp
    shopt -s extglob nullglob
    {
        if [[ -n ${ALEXLAB_CUDA_PATH:-} ]]; then tr ':' '\n' <<<"$ALEXLAB_CUDA_PATH"; fi
        { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } \
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
    } | while read -r dir; do [[ -d $dir ]] && readlink -f "$dir"; done | awk '!seen[$0]++'
    shopt -u extglob nullglob
}

# Is an NVIDIA driver here? Its user-space library (libcuda.so.1) comes with the driver, never
# with the CUDA libraries; without it they cannot reach a GPU. Containers may mount it on
# LD_LIBRARY_PATH, where ldconfig does not look.
has_nvidia_driver() {
    local dir
    [[ -e /proc/driver/nvidia/version || -e /usr/lib/wsl/lib/libcuda.so.1 ]] && return 0
    for dir in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }}; do [[ -e $dir/libcuda.so.1 ]] && return 0; done
    { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libcuda\.so\.1 '
}

# Sets CUDA_LIBRARY_PATH (DIR:DIR) to the folders found, only when a driver is there to use them,
# and prints what it found to stderr, each line after the prefix $1.
find_cuda() {
    local dirs prefix=${1:-}
    dirs=$(cuda_dirs || true)
    CUDA_LIBRARY_PATH=""
    if [[ -z $dirs ]]; then
        echo "${prefix}no CUDA 13 libraries found: the kernel will use the CPU" >&2
    elif ! has_nvidia_driver; then
        echo "${prefix}CUDA 13 libraries in $(paste -sd' ' - <<<"$dirs"), but no NVIDIA driver (no libcuda.so.1):" \
            "not used; the kernel will use the CPU" >&2
    else
        CUDA_LIBRARY_PATH=$(paste -sd: - <<<"$dirs")
        while read -r dir; do echo "${prefix}using CUDA 13 libraries in $dir" >&2; done <<<"$dirs"
    fi
}
