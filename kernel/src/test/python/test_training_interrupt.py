"""Kernel > Interrupt during Trainer.fit: training stops within 2 s at a step boundary, fit still
returns its History (marked interrupted, so `var history = trainer.fit(...)` is assigned), the progress
bar says "interrupted", the weights are exactly those after the last finished step, and the model
still evaluates and trains, on every JDK under test. The client is jupyter_client, as in a notebook."""
import math
import queue
import time
import unittest

import harness

LIMIT_S = 2.0

SETUP = """
import io.github.alexlab.data.*;
import io.github.alexlab.models.*;
import io.github.alexlab.train.*;
var data = FashionMnist.load();
var model = LeNet5.modern();
var trainer = new Trainer(model, new SGD(model.parameters(), 0.05).momentum(0.9)).classNames(FashionMnist.CLASS_NAMES);
var train = new DataLoader(data.train(), 64).shuffle(1);
var test = new DataLoader(data.test(), 500);
// A copy of the weights after every finished step: what the model must hold after an interrupt.
var afterLastStep = new java.util.concurrent.atomic.AtomicReference<List<INDArray>>();
var stepsSeen = new java.util.concurrent.atomic.AtomicInteger();
trainer.afterEachStep(steps -> {
    afterLastStep.set(model.parameters().stream().map(p -> p.value().dup()).toList());
    stepsSeen.set(steps);
});
"""

SAME_WEIGHTS = """
List<INDArray> now = model.parameters().stream().map(p -> p.value()).toList();
java.util.stream.IntStream.range(0, now.size())
    .allMatch(i -> now.get(i).sub(afterLastStep.get().get(i)).amaxNumber().doubleValue() == 0)
"""


class TrainingInterruptTest(unittest.TestCase):
    def wait_for_progress(self, k, msg_id, timeout=120):
        """Reads IOPub until the curves of a finished epoch are shown and the progress bar has been
        redrawn twice more: training is under way, in its second epoch. Returns the bar's display id."""
        deadline = time.time() + timeout
        updates = 0
        curves = False
        bar = None
        while not (curves and updates >= 2):
            try:
                msg = k.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                self.fail("no progress bar within %d s" % timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "display_data" and "image/png" in msg["content"]["data"].get("text/html", "image/png"):
                curves = True  # the loss and accuracy curves appear after the first epoch
            if msg["msg_type"] == "display_data" and bar is None:
                bar = msg["content"]["transient"]["display_id"]  # the progress bar comes first
            if msg["msg_type"] == "update_display_data" and curves:
                updates += 1
            self.assertNotEqual(msg["msg_type"], "error", msg["content"])
        return bar

    @staticmethod
    def last_bar_text(outputs, bar):
        texts = [m["content"]["data"]["text/plain"] for m in outputs
                 if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == bar]
        return texts[-1] if texts else ""

    def test_interrupted_training_leaves_a_usable_model(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                reply, _ = k.execute(SETUP, timeout=120)
                self.assertEqual(reply["status"], "ok", reply)

                msg_id = k.kc.execute("History history = trainer.fit(train, test, 1000);\nSystem.out.println(\"after fit\");")
                bar = self.wait_for_progress(k, msg_id)
                started = time.time()
                k.km.interrupt_kernel()
                reply = k.shell_reply(msg_id, timeout=30)["content"]
                elapsed = time.time() - started
                outputs = k.iopub_until_idle(msg_id)
                self.assertLess(elapsed, LIMIT_S, f"{name}: training took {elapsed:.2f} s to stop")
                print(f"{name}: training stopped {elapsed:.2f} s after the interrupt")
                self.assertEqual(reply["ename"], "Interrupted", reply)
                self.assertNotIn("after fit", harness.stream_text(outputs), "the rest of the cell must not run")

                # fit returned: its History is assigned, marked interrupted, and says so; so does the bar.
                self.assertEqual(k.value("history.interrupted()"), "true")
                steps = int(k.value("history.steps()"))
                self.assertEqual(str(steps), k.value("stepsSeen.get()"))
                self.assertIn(f"(interrupted after {steps} steps)", k.value("history.toString()"))
                bar_text = self.last_bar_text(outputs, bar)
                self.assertIn("(interrupted)", bar_text)
                self.assertNotIn("(done)", bar_text)
                print(f"{name}: {steps} steps done; bar: {bar_text}")
                # The weights are those after the last finished step: no step was cut in half.
                self.assertEqual(k.value(SAME_WEIGHTS), "true", f"{name}: the weights are not those after step {steps}")

                # The model is whole: it evaluates to a sensible accuracy and finite loss ...
                accuracy = float(k.value("trainer.evaluate(test).accuracy()"))
                self.assertGreater(accuracy, 0.3, f"{name}: accuracy {accuracy} after an interrupted fit")
                self.assertLessEqual(accuracy, 1.0)
                loss = float(k.value("trainer.evaluate(test).loss()"))
                self.assertTrue(math.isfinite(loss), loss)
                finite = k.value("model.parameters().stream().allMatch(p -> Double.isFinite(p.value().sumNumber().doubleValue()))")
                self.assertEqual(finite, "true")
                # ... and trains further.
                self.assertEqual(k.value("trainer.quiet().fit(train.limit(256), null, 1).epochs().size()"), "1")


if __name__ == "__main__":
    unittest.main()
