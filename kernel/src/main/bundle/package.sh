#!/usr/bin/env bash
# Packs AlexLab for hosts without a JDK, Maven or network (./install.sh bundle | gpukit build the kernel,
# then run this with JAVA_HOME set to the JDK that built it).
#
#   package.sh bundle   build/alexlab-bundle.tar.xz
#   package.sh gpukit   build/gpukit/alexlab-gpukit.tar.xz
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
BUNDLE_SRC="$REPO/kernel/src/main/bundle"
LIB="$REPO/kernel/target/lib"
BUILD="$REPO/build"
JDK_HOME=${JAVA_HOME:-}

say() { echo "==> $*"; }
note() { echo "    $*"; }
die() { echo "package.sh: error: $*" >&2; exit 1; }
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }

usage_bundle() {
    cat <<'EOF'
Usage: ./install.sh bundle

Builds build/alexlab-bundle.tar.xz (about 58 MiB; it must stay under 64 MiB, to travel in one 64 MiB
transfer): a jlink-ed Java runtime, the kernel's jars (ND4J's AVX2 build only; repacked smaller by
kernel/src/main/bundle/RepackJars.java, which says what it leaves out and why), the bundled
Fashion-MNIST subset, the notebooks and bin/alexlab. On a GPU host with only an NVIDIA driver and
CUDA 13 libraries (no JDK, Maven or network; an x86-64 CPU with AVX2):
  tar -xJf alexlab-bundle.tar.xz && alexlab/bin/alexlab selftest
EOF
}

usage_gpukit() {
    cat <<'EOF'
Usage: ./install.sh gpukit

Builds build/gpukit/alexlab-gpukit.tar.xz: the bundle (see ./install.sh bundle --help) and what
gpucheck needs besides: the compiled tests (test-classes/) and JUnit's launcher (test-lib/). On a
GPU host with only an NVIDIA driver and CUDA 13 libraries, in the root of this checkout (the kit's
datasets/ is a link to the checkout's):
  tar -xJf build/gpukit/alexlab-gpukit.tar.xz && alexlab/bin/alexlab gpucheck --quick --out DIR
It prints the kit's size and the size of this checkout's tracked files: the two travel together
and must stay under 62 MiB (exit code 1 if they do not).
EOF
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

# Repacks jars into a folder, smaller: what is left out of each jar, and why that is safe, is said in
# RepackJars.java (it reads and rewrites classes with ASM, one of the kernel's own dependencies).
repack_jars() {  # OUTDIR JAR...
    local asm
    asm=$(compgen -G "$LIB/asm-[0-9]*.jar" | head -n 1) || die "no ASM jar in $LIB (mvn package copies it there)"
    "$JDK_HOME/bin/java" -cp "$asm" "$BUNDLE_SRC/RepackJars.java" "$@"
}

# Writes $1/alexlab: a jlink-ed Java runtime, the kernel's jars (repacked), the bundled data subset,
# the notebooks, the PyTorch peer script and bin/alexlab: what runs on a host with no JDK or Maven.
stage_bundle() {
    local root=$1/alexlab jar
    rm -rf "$1"
    mkdir -p "$root/bin" "$root/lib"
    say "a Java runtime (jlink, $("$JDK_HOME/bin/java" -version 2>&1 | head -1))"
    # --compress=0: xz packs the plain module image smaller than one jlink compressed. Left out: javac's
    # ct.sym (--release data), and the X11 toolkit and the splash screen, which a headless JVM never
    # loads (the kernel's flags always include -Djava.awt.headless=true; -0.1 MiB).
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
    repack_jars "$root/lib" "${jars[@]}"
    cp "$LIB/jvm-flags.properties" "$root/lib/"   # the kernel's JVM flags, which bin/alexlab reads
    cp -r "$REPO/datasets" "$root/datasets"
    # The data files go in plain: xz packs raw IDX images 14% smaller than gzip did (-0.17 MiB).
    # FashionMnist reads NAME.gz or plain NAME, and SHA256SUMS is over the plain content.
    find "$root/datasets" -name '*.gz' -exec gunzip {} +
    mkdir -p "$root/notebooks"
    cp "$REPO"/notebooks/*.ipynb "$root/notebooks/"
    install -m 755 "$BUNDLE_SRC/alexlab" "$root/bin/alexlab"
    install -m 644 "$BUNDLE_SRC/find-cuda.sh" "$root/bin/find-cuda.sh"
    for peer in torch_peer.py torch_cpu_peer.py; do  # the PyTorch peers of gpucheck and the CPU benchmark
        install -D -m 644 "$REPO/kernel/src/main/python/$peer" "$root/python/$peer"
    done
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

bundle() {
    local archive="$BUILD/alexlab-bundle.tar.xz" size
    stage_bundle "$BUILD/bundle"
    pack_alexlab "$BUILD/bundle" "$archive"
    size=$(stat -c %s "$archive")
    if (( size > BUNDLE_MAX_BYTES )); then
        note "WARNING: larger than the 64 MiB target; to carry it in pieces: split -b 60m $archive part-"
    fi
    say "done: tar -xJf $archive && alexlab/bin/alexlab selftest"
}

# The bytes of the files git tracks in this checkout (what travels with the kit).
tracked_bytes() {
    git -C "$REPO" ls-files -z | (cd "$REPO" && xargs -0 stat -c %s --) | awk '{ s += $1 } END { print s + 0 }'
}

gpukit() {
    local out="$BUILD/gpukit" kit tracked total
    [[ -d $REPO/kernel/target/test-classes && -d $REPO/kernel/target/test-lib ]] \
        || die "no kernel/target/test-classes or test-lib (mvn package compiles the tests and copies JUnit there)"
    stage_bundle "$out/stage"
    # The kit travels with the checkout and is unpacked in its root, so its datasets/ is the checkout's
    # (a link): the same files twice would take 2 MiB of the transfer.
    rm -rf "$out/stage/alexlab/datasets"
    ln -s ../datasets "$out/stage/alexlab/datasets"
    say "the tests and JUnit's launcher"
    cp -r "$REPO/kernel/target/test-classes" "$out/stage/alexlab/test-classes"
    repack_jars "$out/stage/alexlab/test-lib" "$REPO"/kernel/target/test-lib/*.jar
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

case ${1:-}/${2:-} in
    bundle/-h|bundle/--help) usage_bundle ;;
    gpukit/-h|gpukit/--help) usage_gpukit ;;
    bundle/|gpukit/)
        [[ -x $JDK_HOME/bin/jlink ]] || die "set JAVA_HOME to the JDK that built the kernel (./install.sh $1 does)"
        "$1" ;;
    bundle/*|gpukit/*) die "$1 takes no arguments (see ./install.sh $1 --help)" ;;
    *) sed -n '2,/^set /s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 2 ;;
esac
