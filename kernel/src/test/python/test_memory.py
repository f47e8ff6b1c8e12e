"""Memory on every JDK under test, for a class on one server: a kernel that has run `1+1` stays
within 250 MiB resident (ND4J has not started: it starts before the first cell that uses it), one
that has built and evaluated LeNet-5 on Fashion-MNIST's test images within 400 MiB, and a few
hundred mixed cells (declarations, redefinitions, tensor products, exceptions, pictures) neither
make it grow nor make `1+1` slower. The long version, thousands of cells and a notebook's Run All,
is reliability/soak.py; a whole class of kernels under JupyterHub is reliability/class_load.py."""
import time
import unittest

import harness

AFTER_ONE_PLUS_ONE_MIB = 250
AFTER_LENET_MIB = 400
LENET = """import io.github.alexlab.data.*;
import io.github.alexlab.train.*;
var fashion = FashionMnist.largestAvailable();
var net = LeNet5.modern();
var evaluation = Evaluation.of(net, new DataLoader(fashion.test(), 1000), FashionMnist.CLASS_NAMES);
fashion.train().size() + " training and " + evaluation.examples() + " test images"
"""
# The target for a long soak (reliability/soak.py). JShell keeps every snippet it ran, each with its
# wrapped source: the imports of every live declaration, so a name that outlives its use (a failed
# expression's $N, once) makes every later snippet larger and memory grow with the square of the
# cells (test_errors.py checks that none is left). The quick soak here is short and its figure
# rougher: it guards against the collector keeping garbage (hundreds of MiB).
GROWTH_PER_1000_CELLS_MIB = 20
QUICK_GROWTH_PER_1000_CELLS_MIB = 100
# The kernel collects its garbage after a second without cells (IdleCollector).
IDLE_SECONDS = 1.5


def resident_mib(kernel):
    """The kernel process's resident memory (VmRSS), in MiB."""
    return pid_resident_mib(kernel.km.provisioner.process.pid)


def pid_resident_mib(pid):
    """The resident memory (VmRSS) of process `pid`, in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    raise AssertionError(f"no VmRSS in /proc/{pid}/status")


def mixed_cell(i):
    """The i-th cell of a soak: each kind of cell a student runs, in turn."""
    return [
        f"int count{i % 50} = {i};",
        "double square(double x) { return x * x + %d; }" % i,  # a redefinition, again and again
        "var product = Nd4j.rand(200, 200).mmul(Nd4j.rand(200, 200));",
        f'try {{ throw new IllegalStateException("cell {i}"); }} catch (Exception e) {{ e.getMessage(); }}',
        "display(show(Nd4j.rand(DataType.FLOAT, 3, 16, 16)));",
        f'String label = "layer " + {i};\nlabel.length()',
        'Integer.parseInt("not a number " + 1)',  # a cell that fails
    ][i % 7]


def nd4j_started(kernel):
    """Whether ND4J's native library is loaded in the kernel process."""
    with open(f"/proc/{kernel.km.provisioner.process.pid}/maps") as maps:
        return "libnd4jcpu" in maps.read()


WARM_UP_RUNNING = ('Thread.getAllStackTraces().keySet().stream()'
                   '.anyMatch(t -> t.getName().equals("alexlab-compiler-warm-up"))')


def wait_for_warm_up(kernel, seconds=120):
    """Right after its first cell a kernel warms its compiler up in the background: a few seconds of
    one core, longer on a busy machine. Its memory is measured once that is over."""
    deadline = time.monotonic() + seconds
    while kernel.value(WARM_UP_RUNNING) == "true":
        assert time.monotonic() < deadline, f"the compiler warm-up still runs after {seconds} s"
        time.sleep(1)


def resting_resident_mib(kernel, seconds=15, target=AFTER_ONE_PLUS_ONE_MIB):
    """The resident memory of a kernel left alone once its compiler warm-up is over: the least seen
    over a few seconds. Idle, it collects its garbage and gives freed native memory back (at once
    after a cell, and the JVM every 10 s)."""
    wait_for_warm_up(kernel)
    deadline = time.monotonic() + seconds
    least = resident_mib(kernel)
    while time.monotonic() < deadline and least > target:
        time.sleep(0.5)
        least = min(least, resident_mib(kernel))
    return least


def one_plus_one_ms(kernel, times=5):
    """The median round trip of `1 + 1`, in milliseconds."""
    rounds = []
    for _ in range(times):
        start = time.monotonic()
        assert kernel.value("1 + 1") == "2"
        rounds.append((time.monotonic() - start) * 1000)
    return sorted(rounds)[len(rounds) // 2]


def idle_resident_mib(kernel):
    """The resident memory once the kernel has been idle a moment, as between a student's cells:
    it then collects its garbage, so what is measured is what stays, not where a collection cycle is."""
    time.sleep(IDLE_SECONDS)
    return resident_mib(kernel)


def soak(kernel, cells, warm_up, report=print):
    """Runs `cells` mixed cells; returns (MiB per 1000 cells after warm-up, start ms, end ms, start MiB, end MiB)."""
    for i in range(warm_up):
        kernel.execute(mixed_cell(i))
    start_ms = one_plus_one_ms(kernel)
    start_mib = idle_resident_mib(kernel)
    samples = [(0, start_mib)]  # (cells run, MiB): the growth is a line fitted through them, not two noisy points
    for i in range(cells):
        reply, _ = kernel.execute(mixed_cell(i))
        expected = "error" if i % 7 == 6 else "ok"
        assert reply["status"] == expected, f"cell {i} {mixed_cell(i)!r}: {reply}"
        if i % 50 == 49:
            samples.append((i + 1, idle_resident_mib(kernel)))
            if i % 500 == 499:
                report(f"  {i + 1} cells: {samples[-1][1]} MiB")
    end_ms = one_plus_one_ms(kernel)
    end_mib = samples[-1][1]
    n = len(samples)
    mean_x = sum(x for x, _ in samples) / n
    mean_y = sum(y for _, y in samples) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in samples) / sum((x - mean_x) ** 2 for x, _ in samples)
    return slope * 1000, start_ms, end_ms, start_mib, end_mib


class MemoryTest(unittest.TestCase):
    def test_each_kernel(self):
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                self.assertEqual(k.value("1 + 1"), "2")
                after_start = resting_resident_mib(k)
                print(f"\n{name}: {after_start} MiB resident after 1+1")
                self.assertLessEqual(after_start, AFTER_ONE_PLUS_ONE_MIB)
                self.assertFalse(nd4j_started(k), "ND4J starts with the first cell that uses it, not before")

                growth, start_ms, end_ms, start_mib, end_mib = soak(k, cells=200, warm_up=100)
                print(f"{name}: 200 mixed cells: {start_mib} -> {end_mib} MiB, {growth:.1f} MiB per 1000 cells;"
                      f" 1+1 took {start_ms:.0f} ms at the start, {end_ms:.0f} ms at the end")
                self.assertLessEqual(growth, QUICK_GROWTH_PER_1000_CELLS_MIB)
                self.assertLessEqual(end_ms, 2 * start_ms + 20)

    def test_nd4j_starts_when_first_used(self):
        """ND4J starts for the first cell that names it, on the kernel's thread: its deallocators,
        which free every tensor, must outlive an interrupted cell."""
        threads = ('Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("Dealloc"))'
                   '.map(t -> t.getThreadGroup().getName()).distinct().toList()')
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                self.assertEqual(k.value('"no tensors yet".length()'), "14")
                reply, outputs = k.execute("%memory")
                said = harness.stream_text(outputs)
                self.assertRegex(said, r"This kernel \(process \d+\): [\d,]+ MiB resident")
                self.assertIn("Java heap: ", said)
                self.assertIn("ND4J: not started yet", said)
                self.assertFalse(nd4j_started(k), "%memory does not start ND4J")
                self.assertEqual(k.value("Nd4j.ones(2, 3).sumNumber().intValue()"), "6")
                self.assertTrue(nd4j_started(k))
                self.assertEqual(k.value(threads), "[main]", "ND4J's deallocators are the kernel's threads")
                k.kc.execute("var big = Nd4j.rand(100, 100); Thread.sleep(60_000);")
                time.sleep(1)
                k.km.interrupt_kernel()
                k.drain_iopub()
                self.assertEqual(k.value(threads), "[main]", "an interrupted cell stops none of them")
                self.assertEqual(k.value("Nd4j.ones(4).sumNumber().intValue()"), "4")
                self.assertIn("ND4J: started", harness.stream_text(k.execute("%memory")[1]))

    def test_lenet(self):
        """A fresh kernel that has built LeNet-5 and evaluated it on Fashion-MNIST's test images."""
        for name in harness.kernel_names():
            with self.subTest(kernel=name), harness.Kernel(name) as k:
                self.assertEqual(k.value("1 + 1"), "2")
                wait_for_warm_up(k)
                self.assertIn("test images", k.value(LENET))
                after = resting_resident_mib(k, target=AFTER_LENET_MIB)
                data = k.value("fashion.source()")
                print(f"\n{name}: {after} MiB resident after building LeNet-5 and evaluating it on {data}")
                self.assertLessEqual(after, AFTER_LENET_MIB)

if __name__ == "__main__":
    unittest.main()
