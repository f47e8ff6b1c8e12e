"""%device through a real client: the CPU's facts, and each GPU or the reason there is none."""
import unittest

import harness


class DeviceMagicTest(unittest.TestCase):
    def test_device_facts(self):
        with harness.Kernel(harness.kernel_names()[0]) as k:
            reply, outputs = k.execute("%device")
            self.assertEqual(reply["status"], "ok", reply)
            results = [m["content"]["data"] for m in outputs if m["msg_type"] == "execute_result"]
            self.assertTrue(results, outputs)
            text = results[-1]["text/plain"]
            self.assertIn("text/html", results[-1])
            for fact in ("CPU", "CPU cores (this JVM)", "CPU engine", "default device"):
                self.assertIn(fact, text)
            # Either a GPU with its compute capability, or "none:" and the reason.
            self.assertTrue("GPU 0 compute capability" in text or "none: " in text, text)
            if "none: " in text:
                self.assertRegex(text, r"default device\s*\|\s*cpu")

            reply, outputs = k.execute("%memory")
            self.assertEqual(reply["status"], "ok", reply)
            said = harness.stream_text(outputs)
            self.assertRegex(said, r"This kernel \(process \d+\): [\d,]+ MiB resident, [\d,]+ MiB at the most")
            self.assertIn("ND4J: started", said)  # %device started it
            if "none: " in text:
                self.assertIn("No GPU (", said)
                self.assertIn("No GpuArray holds device memory.", said)
            else:
                self.assertIn("gpu:0", said)

            reply, _ = k.execute("%device now")
            self.assertEqual(reply["status"], "error")
            self.assertIn("takes no arguments", reply["evalue"])
            self.assertEqual(k.value("1 + 1"), "2")


if __name__ == "__main__":
    unittest.main()
