"""The course notebooks as files: what a student's Jupyter sees when it opens them.

- No code line is longer than 100 characters: longer ones need horizontal scrolling in a
  1280 px browser window, and hide the ends of check(...) messages.
- The stored kernelspec and language_info equal what the kernel reports: the classic Notebook
  UI compares them on opening and marks a notebook "unsaved" (and autosaves outputs into it)
  when they differ.
- Notebooks are stored without outputs, so a fresh checkout shows none from another machine.
"""
import glob
import json
import os
import unittest

from jupyter_client.kernelspec import KernelSpecManager

from harness import Kernel

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
MAX_LINE = 100


def course_notebooks():
    paths = sorted(glob.glob(os.path.join(REPO, "notebooks", "*.ipynb"))
                   + glob.glob(os.path.join(REPO, "lessons", "*.ipynb")))
    return [(os.path.relpath(p, REPO), json.load(open(p, encoding="utf-8"))) for p in paths]


def code_lines(nb):
    """(cell index, line number, line) for every line of every code cell."""
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for number, line in enumerate(source.split("\n"), start=1):
            yield index, number, line


class NotebookFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.notebooks = course_notebooks()

    def test_there_are_notebooks(self):
        self.assertGreaterEqual(len(self.notebooks), 9, "notebooks/*.ipynb")

    def test_no_code_line_is_longer_than_100_characters(self):
        too_long = [f"{path} cell {index} line {number}: {len(line)} characters: {line[:60]}..."
                    for path, nb in self.notebooks
                    for index, number, line in code_lines(nb) if len(line) > MAX_LINE]
        self.assertEqual([], too_long, f"{len(too_long)} code lines longer than {MAX_LINE} characters")

    def test_stored_without_outputs(self):
        with_outputs = [f"{path} cell {index}" for path, nb in self.notebooks
                        for index, cell in enumerate(nb["cells"])
                        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))]
        self.assertEqual([], with_outputs)

    def test_stored_metadata_is_what_the_kernel_reports(self):
        spec = KernelSpecManager().get_kernel_spec("alexlab")
        expected_spec = {"display_name": spec.display_name, "language": spec.language, "name": "alexlab"}
        with Kernel("alexlab") as kernel:
            reply = kernel.kc.kernel_info(reply=True, timeout=60)
        language_info = reply["content"]["language_info"]
        for path, nb in self.notebooks:
            with self.subTest(notebook=path):
                self.assertEqual(expected_spec, nb["metadata"].get("kernelspec"), "kernelspec")
                self.assertEqual(language_info, nb["metadata"].get("language_info"), "language_info")


if __name__ == "__main__":
    unittest.main()
