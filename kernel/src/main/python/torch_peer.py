#!/usr/bin/env python3
"""The PyTorch peer of AlexLab's GPU benchmarks: the same work, timed the same way, so that a run
can print AlexLab / PyTorch ratios measured side by side on one GPU.

    python3 torch_peer.py gemm [n...]               (default 4096 8192)
    python3 torch_peer.py alexnet [batch] [steps]   (default 128 20)
    add --device cpu to try it without a GPU (small sizes advised)

gemm: square matrix multiplies in FP32, TF32, FP16, BF16 and INT8 (as GemmBenchmark): 2 n^3
operations each, the median of 10 runs after 3 warm-up runs, each from launch to synchronize.
alexnet: the one-tower AlexNet of AlexNet.singleTower(1, 224, 10) (as AlexNetGpuBenchmark): one training
step (zero the gradients, forward, cross-entropy, backward, SGD update with momentum), the batch already on the device,
timed with CUDA events; median of `steps` after 3 warm-ups, in FP32 and in mixed precision (autocast
to FP16 with loss scaling, as AlexLab's mixed-precision training does).

Lines start with the benchmark's name ("gemm", "alexnet") so that a report can be read by a program;
a precision this PyTorch cannot run is printed as "skipped" with the reason.
"""
import argparse
import statistics
import time

import torch
from torch import nn


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def gemm(sizes, device):
    print(f"gemm device {torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu'}, torch {torch.__version__}")
    for n in sizes:
        host = (torch.rand(n, n) - 0.5)
        for precision in ["FP32", "TF32", "FP16", "BF16", "INT8"]:
            try:
                a, b, multiply = operands(host, precision, device)
            except (RuntimeError, AttributeError, TypeError) as e:
                print(f"gemm {precision} {n} skipped: {str(e).splitlines()[0]}")
                continue
            runs = []
            try:
                for _ in range(13):
                    start = time.perf_counter()
                    multiply(a, b)
                    synchronize(device)
                    runs.append(time.perf_counter() - start)
            except RuntimeError as e:
                print(f"gemm {precision} {n} skipped: {str(e).splitlines()[0]}")
                continue
            finally:
                torch.backends.cuda.matmul.allow_tf32 = False
            seconds = statistics.median(runs[3:])
            print(f"gemm {precision} {n} {seconds * 1e3:.3f} ms {2 * n ** 3 / seconds / 1e12:.2f} TFLOP/s")


def operands(host, precision, device):
    """The two inputs in the precision's input type, and the multiply that gives its output type."""
    torch.backends.cuda.matmul.allow_tf32 = precision == "TF32"
    if precision in ("FP32", "TF32"):
        a = host.to(device)
        return a, a.clone(), torch.matmul
    if precision == "FP16":
        a = host.to(device, torch.float16)
        return a, a.clone(), torch.matmul
    if precision == "BF16":
        a = host.to(device, torch.bfloat16)
        return a, a.clone(), torch.matmul
    if not hasattr(torch, "_int_mm"):
        raise AttributeError(f"INT8 GEMM needs torch._int_mm (PyTorch 2.1+), this is {torch.__version__}")
    a = (host * 200).round().to(device, torch.int8)
    return a, a.clone(), torch._int_mm  # int8 x int8 -> int32, as cuBLAS's INT8 GEMM


def alexnet_single_tower(channels=1, size=224, classes=10):
    """AlexNet.singleTower: the same layers and sizes (LRN with the paper's alpha: PyTorch divides it by n)."""
    features = nn.Sequential(
        nn.Conv2d(channels, 96, 11, stride=4), nn.ReLU(), nn.LocalResponseNorm(5, alpha=1e-4 * 5, beta=0.75, k=2),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.LocalResponseNorm(5, alpha=1e-4 * 5, beta=0.75, k=2),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(3, 2), nn.Flatten())
    flattened = features(torch.zeros(1, channels, size, size)).shape[1]
    return nn.Sequential(features,
                         nn.Linear(flattened, 4096), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(4096, classes))


def alexnet(batch, steps, device):
    print(f"alexnet device {torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu'}, torch {torch.__version__}, "
          f"batch {batch}, training step (forward, backward, SGD update)")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False  # strict FP32, as AlexLab's cuDNN blocks
    model = alexnet_single_tower().to(device).train()
    images = torch.rand(batch, 1, 224, 224, device=device)
    labels = torch.arange(batch, device=device) % 10
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9)  # as AlexNetGpuBenchmark
    scaler = torch.cuda.amp.GradScaler() if device.type == "cuda" else None
    for mode in ["FP32", "mixed"]:
        if mode == "mixed" and device.type != "cuda":
            print("alexnet mixed skipped: mixed precision here needs a CUDA device")
            continue
        times = []
        for step in range(-3, steps):
            start = time.perf_counter()
            if device.type == "cuda":
                begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                begin.record()
            model.zero_grad(set_to_none=False)
            if mode == "mixed":
                with torch.autocast("cuda", dtype=torch.float16):
                    loss = loss_fn(model(images), labels)
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
            else:
                loss_fn(model(images), labels).backward()
                optimizer.step()
            if device.type == "cuda":
                end.record()
                end.synchronize()
                ms = begin.elapsed_time(end)
            else:
                ms = (time.perf_counter() - start) * 1e3
            if step >= 0:
                times.append(ms)
        ms = statistics.median(times)
        print(f"alexnet {mode} {ms:.2f} ms per step {batch / ms * 1e3:.1f} images/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=["gemm", "alexnet"])
    parser.add_argument("numbers", nargs="*", type=int)
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("torch_peer: no CUDA device for PyTorch (try --device cpu)")
    if args.benchmark == "gemm":
        gemm(args.numbers or [4096, 8192], device)
    else:
        alexnet(*(args.numbers + [128, 20][len(args.numbers):]), device)


if __name__ == "__main__":
    main()
