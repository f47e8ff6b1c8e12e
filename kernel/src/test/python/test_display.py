"""Rich values on every JDK under test: an INDArray shows as an HTML preview, show(x) as a
picture, a chart as PNG and SVG, a tablesaw Table as an HTML table; and using ND4J prints nothing
into the cell (no start-up banner, no JDK warning about sun.misc.Unsafe)."""
import base64
import struct
import unittest

import harness

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data):
    """(width, height) of a base64 PNG."""
    raw = base64.b64decode(data)
    assert raw.startswith(PNG_SIGNATURE), raw[:16]
    return struct.unpack(">II", raw[16:24])


class DisplayTest(unittest.TestCase):
    def result(self, k, code):
        """The execute_result data of a cell that must succeed and print nothing."""
        reply, outputs = k.execute(code)
        self.assertEqual(reply["status"], "ok", f"{k.name}: {code!r} failed: {reply}")
        for stream in ("stdout", "stderr"):
            self.assertEqual(harness.stream_text(outputs, stream), "", f"{k.name}: {code!r} wrote to {stream}")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertTrue(results, f"{k.name}: {code!r} gave no result: {outputs}")
        return results[-1]["content"]["data"]

    def test_each_kernel(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                # The first cell of the kernel uses ND4J: whatever its start prints must stay out of it.
                data = self.result(k, "Nd4j.arange(12).reshape(3, 4)")
                html = data["text/html"]
                self.assertIn("[3, 4]", html)
                self.assertIn(">11<", html)
                self.assertIn("<table", html)
                self.assertTrue(data["text/plain"].startswith("INDArray [3, 4]"), data["text/plain"])

                data = self.result(k, "show(Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8))")
                # 2 rows (images) x 3 columns (channels) of 8 px tiles enlarged to 112 px, 2 px apart
                self.assertEqual(png_size(data["image/png"]), (3 * 112 + 2 * 2, 2 * 112 + 2))

                data = self.result(k, 'Charts.line("Loss", "epoch", "loss")'
                                      '.series("train", new double[]{1, 2, 3}, new double[]{0.9, 0.5, 0.3})')
                self.assertEqual(png_size(data["image/png"]), (700, 400))
                self.assertIn("<svg", data["image/svg+xml"])
                self.assertIn("train", data["image/svg+xml"])

                data = self.result(k, 'tech.tablesaw.api.Table.create("scores", '
                                      'tech.tablesaw.api.StringColumn.create("model", "LeNet <5>"), '
                                      'tech.tablesaw.api.DoubleColumn.create("accuracy", 0.91))')
                self.assertIn("<table", data["text/html"])
                self.assertIn("LeNet &lt;5&gt;", data["text/html"])
                self.assertIn("scores", data["text/html"])


if __name__ == "__main__":
    unittest.main()
