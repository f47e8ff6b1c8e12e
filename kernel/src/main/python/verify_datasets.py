"""Checks datasets/ against datasets/SHA256SUMS (install.sh setup); exits 1 naming every file that differs.

The manifest lists the uncompressed IDX content, so a file is hashed decompressed when it is gzip
(a recompressed copy of the same data still matches); the trained networks in checkpoints/ are
hashed as they are. It also lists the full sets (read from elsewhere), so files that are not
bundled are skipped here.
"""
import gzip
import hashlib
import os
import sys

DATASETS = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "datasets"))


def content_digest(path):
    digest = hashlib.sha256()
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    manifest = os.path.join(DATASETS, "SHA256SUMS")
    if not os.path.isfile(manifest):
        return 0
    print("==> checking datasets/ against datasets/SHA256SUMS")
    checked, failed = 0, []
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            expected, name = line.split(None, 1)
            name = name.strip().lstrip("*")
            found = [n for n in (name + ".gz", name) if os.path.isfile(os.path.join(DATASETS, n))]
            if not found:
                continue
            try:
                actual = content_digest(os.path.join(DATASETS, found[0]))
            except (OSError, EOFError, gzip.BadGzipFile):
                actual = "(unreadable)"
            checked += 1
            if actual != expected:
                failed.append(f"    {found[0]}: expected {expected}, got {actual}")
    if failed:
        print("install.sh: error: these files in datasets/ do not match datasets/SHA256SUMS:\n" + "\n".join(failed)
              + "\n  Restore them (e.g. git checkout -- datasets/) and run this again.", file=sys.stderr)
        return 1
    print(f"    {checked} file(s) OK" if checked else "    none of the listed files is bundled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
