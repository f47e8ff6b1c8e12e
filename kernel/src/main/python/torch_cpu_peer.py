#!/usr/bin/env python3
"""The PyTorch peer of AlexLab's CPU benchmark (bench CpuVersusPyTorch): the same models and work,
each timed once per request, so that the benchmark can alternate AlexLab and PyTorch and compare
medians measured side by side in one run.

    python3 torch_cpu_peer.py WORK [ARGS] [--runs N] [--threads N]   times WORK N times, prints the median
    python3 torch_cpu_peer.py --serve [--threads N]                   reads WORK lines on stdin, answers
                                                                       "ms T" (or "error WHY") per line

WORK is one of
    alexnet-step BATCH        one training step of the one-tower AlexNet (1x224x224, 10 classes, with
                              LRN): zero the gradients, forward, cross-entropy, backward, SGD with momentum
    alexnet-infer BATCH       the same network's forward in evaluation mode, without gradients
    alexnet-block I BATCH     block I of that network (0 = conv1, as AlexLab numbers them): forward and
                              backward on its input at that batch
    lenet-epoch BATCH IMAGES  one epoch of LeNet5.modern() (1x28x28, 10 classes) over IMAGES random
                              images, shuffled, SGD lr 0.05 momentum 0.9 weight decay 5e-4
    lenet-infer BATCH         LeNet5.modern()'s forward in evaluation mode, without gradients
    sgemm N                   C = A B, FP32, N x N

The first request of each kind runs it once untimed (allocation, oneDNN's kernel choice).
"""
import argparse
import statistics
import sys
import time

import torch
from torch import nn

from torch_peer import alexnet_single_tower


def lenet_modern(classes=10):
    """LeNet5.modern(): the same layers and sizes."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, classes))


def alexnet_blocks(model):
    """The network's blocks in order, as one flat list (features, then the classifier)."""
    return list(model[0]) + list(model[1:])


class Peer:
    def __init__(self):
        self.ready = {}  # work key -> the function that runs it once
        torch.manual_seed(1)

    def run(self, words):
        key = " ".join(words)
        if key not in self.ready:
            self.ready[key] = self.prepare(words[0], [int(w) for w in words[1:]])
            self.ready[key]()  # untimed first run
        start = time.perf_counter()
        self.ready[key]()
        return (time.perf_counter() - start) * 1e3

    def prepare(self, work, numbers):
        if work == "alexnet-step":
            (batch,) = numbers
            model = alexnet_single_tower().train()
            images, labels = torch.rand(batch, 1, 224, 224), torch.arange(batch) % 10
            optimizer = torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9)
            return lambda: self.step(model, optimizer, images, labels)
        if work == "alexnet-infer":
            (batch,) = numbers
            model, images = alexnet_single_tower().eval(), torch.rand(batch, 1, 224, 224)
            return lambda: self.infer(model, images)
        if work == "alexnet-block":
            index, batch = numbers
            blocks = alexnet_blocks(alexnet_single_tower().train())
            x = torch.rand(batch, 1, 224, 224)
            with torch.no_grad():
                for block in blocks[:index]:
                    x = block(x)
            x.requires_grad_(True)
            block = blocks[index]
            gradient = torch.rand_like(block(x))
            return lambda: block(x).backward(gradient)
        if work == "lenet-epoch":
            batch, count = numbers
            model = lenet_modern().train()
            images, labels = torch.rand(count, 1, 28, 28), torch.randint(0, 10, (count,))
            optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)

            def epoch():
                order = torch.randperm(count)
                for start in range(0, count, batch):
                    chosen = order[start:start + batch]
                    self.step(model, optimizer, images[chosen], labels[chosen])
            return epoch
        if work == "lenet-infer":
            (batch,) = numbers
            model, images = lenet_modern().eval(), torch.rand(batch, 1, 28, 28)
            return lambda: self.infer(model, images)
        if work == "sgemm":
            (n,) = numbers
            a, b = torch.rand(n, n) - 0.5, torch.rand(n, n) - 0.5
            return lambda: torch.matmul(a, b)
        raise ValueError(f"unknown work {work!r} (see --help)")

    @staticmethod
    def step(model, optimizer, images, labels):
        optimizer.zero_grad(set_to_none=False)
        nn.functional.cross_entropy(model(images), labels).backward()
        optimizer.step()

    @staticmethod
    def infer(model, images):
        with torch.no_grad():
            model(images)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], usage=__doc__)
    parser.add_argument("work", nargs="*")
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (default: PyTorch's own choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    peer = Peer()
    if args.serve:
        print(f"ready torch {torch.__version__} threads {torch.get_num_threads()}", flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                print(f"ms {peer.run(line.split()):.3f}", flush=True)
            except Exception as e:  # a bad request is an answer, not the end of the peer
                print(f"error {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", flush=True)
        return
    if not args.work:
        parser.error("name a WORK, or --serve")
    times = [peer.run(args.work) for _ in range(args.runs)]
    print(f"{' '.join(args.work)}: median {statistics.median(times):.1f} ms of {args.runs} "
          f"(torch {torch.__version__}, {torch.get_num_threads()} threads)")


if __name__ == "__main__":
    main()
