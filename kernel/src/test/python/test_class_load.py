"""The class load test's quick version: two students on JupyterHub (reliability/class_load.py, which
./install.sh classload runs with 20). Runs as root with Debian's JupyterHub installed, else skips."""
import os
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "reliability", "class_load.py")


@unittest.skipUnless(os.geteuid() == 0 and os.path.isfile("/usr/bin/jupyterhub"),
                     "needs root and Debian's JupyterHub (apt-get install jupyterhub)")
class ClassLoadTest(unittest.TestCase):
    def test_two_students_run_notebook_00_on_the_hub(self):
        result = subprocess.run(["/usr/bin/python3", SCRIPT, "--students", "2", "--cell-timeout", "300"],
                                capture_output=True, text=True, timeout=900)
        print(result.stdout, end="", flush=True)
        self.assertEqual(result.returncode, 0, result.stdout[-3000:] + result.stderr[-3000:])
        self.assertIn("failures: 0", result.stdout)
        self.assertIn("a kernel sees: 1 processors", result.stdout)  # the CPU quota reaches the JVM
        self.assertIn("ports: 2 of 2 students' server and kernel on the student's own ports", result.stdout)


if __name__ == "__main__":
    unittest.main()
