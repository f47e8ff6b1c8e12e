"""./install.sh setup --system: the shared copy (system_install.py) and the kernelspec for every user.

Runs as root only (the copy is root's); into a temporary prefix and kernelspec folder, so the
machine's own installation is left alone.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
TOOL = os.path.join(REPO, "kernel", "src", "main", "python", "system_install.py")


def install(prefix, kernels):
    return subprocess.run([sys.executable, TOOL, "--prefix", prefix, "--kernels", kernels],
                          capture_output=True, text=True, cwd=REPO)


@unittest.skipUnless(os.geteuid() == 0, "the shared copy is root's: run as root")
class SystemInstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="alexlab-system-")
        os.chmod(cls.tmp, 0o755)
        cls.prefix = os.path.join(cls.tmp, "opt", "alexlab")
        cls.kernels = os.path.join(cls.tmp, "jupyter", "kernels")
        os.makedirs(cls.kernels)
        cls.first = install(cls.prefix, cls.kernels)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_copy_is_roots_and_read_only_for_users(self):
        self.assertEqual(self.first.returncode, 0, self.first.stderr)
        for root, dirs, files in os.walk(self.prefix):
            for name in dirs + files:
                st = os.lstat(os.path.join(root, name))
                self.assertEqual(st.st_uid, 0, name)
                if not stat.S_ISLNK(st.st_mode):
                    self.assertFalse(st.st_mode & (stat.S_IWGRP | stat.S_IWOTH), name)
                    self.assertTrue(st.st_mode & stat.S_IROTH, name)
        self.assertTrue(os.path.isfile(os.path.join(self.prefix, "notebooks", "00-welcome.ipynb")))
        self.assertTrue(os.path.isfile(os.path.join(self.prefix, "notebooks", "lessons", "L01-relu.ipynb")))
        self.assertFalse(os.path.exists(os.path.join(self.prefix, "notebooks", "lessons", "source")),
                         "the lessons' sources hold the answers: students must not read them")

    def test_kernelspec_runs_from_the_copy(self):
        with open(os.path.join(self.kernels, "alexlab", "kernel.json"), encoding="utf-8") as f:
            argv = json.load(f)["argv"]
        self.assertIn("-Dalexlab.datasets=" + os.path.join(self.prefix, "datasets"), argv)
        self.assertIn(os.path.join(self.prefix, "lib", "*"), argv)
        self.assertFalse([a for a in argv if REPO in a], "the kernelspec must not run from the checkout")

    def test_kernel_finds_the_shared_datasets_outside_a_checkout(self):
        home = os.path.join(self.tmp, "home")
        os.makedirs(home, exist_ok=True)
        before, path = os.getcwd(), os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.path.dirname(self.kernels)  # this kernelspec first
        os.chdir(home)  # a student's home: no datasets/ above it
        try:
            with harness.Kernel("alexlab") as k:
                folder = k.value("io.github.alexlab.data.Datasets.folder().orElseThrow().toString()")
        finally:
            os.chdir(before)
            os.environ.pop("JUPYTER_PATH") if path is None else os.environ.update(JUPYTER_PATH=path)
        self.assertEqual(folder.strip('"'), os.path.join(self.prefix, "datasets"))

    def test_repeating_replaces_the_copy(self):
        again = install(self.prefix, self.kernels)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertFalse(os.path.exists(self.prefix + ".old") or os.path.exists(self.prefix + ".new"))

    def test_refuses_a_folder_it_did_not_make(self):
        foreign = os.path.join(self.tmp, "foreign")
        os.makedirs(foreign)
        open(os.path.join(foreign, "keep"), "w").close()
        result = install(foreign, self.kernels)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("is not a shared copy", result.stderr)
        self.assertTrue(os.path.isfile(os.path.join(foreign, "keep")))


if __name__ == "__main__":
    unittest.main()
