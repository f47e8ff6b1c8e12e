"""Help in the notebook: Shift-Tab (inspect_request) and `name?` show Javadoc, not only signatures,
when the kernel's JDK has its sources (install.sh installs Debian's openjdk-N-source for that)."""
import os
import unittest

import harness


class HelpTest(unittest.TestCase):
    def test_javadoc_of_a_jdk_method(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                java_home = k.value('System.getProperty("java.home")').strip('"')
                if not os.path.exists(os.path.join(java_home, "lib", "src.zip")):
                    self.skipTest(f"{java_home} has no lib/src.zip (./install.sh installs it where apt-get may be used)")
                code = "Math.max("
                msg_id = k.kc.inspect(code, len(code))
                content = k.shell_reply(msg_id)["content"]
                self.assertTrue(content["found"])
                text = content["data"]["text/plain"]
                self.assertIn("int Math.max(int a, int b)", text)
                self.assertIn("Returns the greater of two", text, "the Javadoc, not only the signature")

                reply, outputs = k.execute("Math.max?")
                pages = [p for p in reply["payload"] if p.get("source") == "page"]
                self.assertIn("Returns the greater of two", pages[0]["data"]["text/plain"])


if __name__ == "__main__":
    unittest.main()
