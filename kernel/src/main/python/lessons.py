"""Classroom lessons: the teacher's sources in lessons/source/, the student releases in lessons/.

  ./install.sh lessons release [LESSON...]
      write the student release lessons/<name>.ipynb from the source lessons/source/<name>.ipynb
  ./install.sh lessons verify [LESSON...]
      prove each lesson sound (the checks are listed in lesson_verify.py); ends with
      "lessons: N passed, N failed, 0 skipped" and exits 1 if any failed
  ./install.sh lessons grade LESSON --submissions DIR --out DIR [--secret S] [--time-limit S] [--heap 2g] [--jobs N]
      grade a folder of student notebooks (*.ipynb; the file name is the student): a fresh kernel
      each, every test under its time limit; writes OUT/grades.csv, grades.json,
      feedback/STUDENT.md and .html, and results/STUDENT.json (Gradescope's format). The secret
      (default: $ALEXLAB_LESSON_SECRET, else "public") draws the hidden tests' inputs

LESSON is a name (L01-relu) or a path; none means every lesson in lessons/source/. verify runs
the notebooks in this checkout's kernel (JUPYTER_PATH as install.sh sets it).
"""
import glob
import os
import sys
import time

import nbformat

import lesson_release as lr
from lesson_verify import Verification

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))
SOURCES = os.path.join(REPO, "lessons", "source")
RELEASES = os.path.join(REPO, "lessons")


def sources(names):
    if not names:
        return sorted(glob.glob(os.path.join(SOURCES, "*.ipynb")))
    paths = []
    for name in names:
        path = name if name.endswith(".ipynb") else os.path.join(SOURCES, name + ".ipynb")
        if not os.path.isfile(path):
            sys.exit(f"lessons.py: no lesson {name} (looked for {os.path.relpath(path)})")
        paths.append(os.path.abspath(path))
    return paths


def release_path(source):
    return os.path.join(RELEASES, os.path.basename(source))


def release(names):
    for source in sources(names):
        nb = nbformat.read(source, as_version=4)
        problems = lr.lint(nb)
        if problems:
            sys.exit(f"lessons.py: {os.path.relpath(source)} cannot be released:\n  " + "\n  ".join(problems))
        text = lr.dumps(lr.release(nb, lr.source_sha256(source)))
        with open(release_path(source), "w", encoding="utf-8") as f:
            f.write(text)
        print(f"released {os.path.relpath(release_path(source))}")
    return 0


def verify(names):
    passed = failed = 0
    for source in sources(names):
        start = time.monotonic()
        print(f"{os.path.relpath(source, REPO)}", flush=True)
        ok = Verification(source, release_path(source), say=lambda line: print(line, flush=True)).verify()
        print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(source)} ({time.monotonic() - start:.1f} s)", flush=True)
        passed, failed = passed + ok, failed + (not ok)
    print(f"lessons: {passed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


def grade(args):
    """grade LESSON --submissions DIR --out DIR [--secret S]: a gradebook for a folder of notebooks."""
    import argparse
    from lesson_grade import grade as grade_all
    parser = argparse.ArgumentParser(prog="./install.sh lessons grade")
    parser.add_argument("lesson")
    parser.add_argument("--submissions", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--secret", default=os.environ.get("ALEXLAB_LESSON_SECRET", "public"))
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds any one cell may run (default: each cell's own limit, else 120)")
    parser.add_argument("--heap", default=None, help="each kernel's Java heap limit, e.g. 2g (default: the JVM's)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    options = parser.parse_args(args)
    if not os.path.isdir(options.submissions):
        sys.exit(f"lessons.py grade: {options.submissions} is not a folder")
    grade_all(sources([options.lesson])[0], options.submissions, options.out, secret=options.secret,
              time_limit=options.time_limit, heap=options.heap, jobs=options.jobs, say=lambda line: print(line, flush=True))
    print(f"gradebook: {os.path.join(options.out, 'grades.csv')}")
    return 0


if __name__ == "__main__":
    commands = {"release": release, "verify": verify, "grade": grade}
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 else 2)
    if sys.argv[1] not in commands:
        sys.exit(f"lessons.py: unknown command {sys.argv[1]!r} (release, verify or grade)")
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))
