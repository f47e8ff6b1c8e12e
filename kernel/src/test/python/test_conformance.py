"""The Jupyter kernel conformance suite (jupyter_kernel_test) against the installed kernelspec,
with every sample attribute filled in."""
import unittest

import jupyter_kernel_test as jkt

import harness


class AlexLabConformance(jkt.KernelTests):
    kernel_name = "alexlab"
    language_name = "java"
    file_extension = ".jsh"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max("}},
        {"text": "List<String> names = new ArrayL", "matches": {"ArrayList("}},
    ]
    complete_code_samples = ["1 + 1", "int x = 3;", "void f() { }", "record P(int x, int y) {}"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "int f(int x) {", 'String s = "abc" +']
    invalid_code_samples = ["}", "int x = 3; )", "int 3x = 1;"]

    code_generate_error = 'throw new IllegalStateException("boom");'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"hello".length()', "result": "5"},
        {"code": "Math.max(6, 42)", "result": "42"},
    ]
    code_display_data = [
        {"code": 'display(html("<b>bold</b>"));', "mime": "text/html"},
        {"code": 'display(markdown("**bold**"));', "mime": "text/markdown"},
        {"code": 'display(svg("<svg xmlns=\'http://www.w3.org/2000/svg\' width=\'4\' height=\'4\'/>"));',
         "mime": "image/svg+xml"},
        {"code": "display(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
    ]
    code_history_pattern = "Math.max*"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = "clearOutput();"
    code_page_something = "Math.max?"

    def test_kernel_info_names_us(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=jkt.TIMEOUT)
        content = reply["content"]
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(content["status"], "ok")
        self.assertEqual(content["implementation"], "alexlab")
        self.assertRegex(content["implementation_version"], r"^\d+\.\d+\.\d+")
        self.assertEqual(content["language_info"]["name"], "java")
        self.assertEqual(content["language_info"]["file_extension"], ".jsh")


# The same checks on every other kernel under test (JDK 25, ...), one class each so a failure names it.
for _name in harness.kernel_names():
    if _name != AlexLabConformance.kernel_name:
        _cls = type(f"AlexLabConformance_{_name.replace('-', '_')}", (AlexLabConformance,), {"kernel_name": _name})
        globals()[_cls.__name__] = _cls
        # Not left under the name _cls too: unittest would run that class twice, on one kernel.
        del _cls


if __name__ == "__main__":
    unittest.main()
