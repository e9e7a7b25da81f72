#!/usr/bin/env python3
"""PyTorch reference for the GPU bench (bench/gpu.ts, issue 11 item 3): the same batch sizes, fp32.

Run by bench/gpu.ts after the tfjs WebGPU timings (never at the same time: they would share the GPU);
the bench itself never needs Python. Prints one JSON object on stdout; progress goes to stderr.

Models (random weights: timing only, nothing is downloaded; where torchvision cannot be imported, this
file's own copies of its two definitions, same layers and widths, are used and the output says so):
  - "embedded": torchvision mobilenet_v2(width_mult=ALPHA), standing for the app's MobileNetV2 0.35.
  - "resnet50v2": torchvision resnet50, which is ResNet50 *v1* (post-activation); torchvision has no
    v2. Same stage widths and conv MACs to within a few percent, so it is the nearest reference.
Both get the EndoLens head: global average pool -> Linear(32) -> ReLU -> Dropout(0.2) -> Linear(classes).

Train steps mirror the trainer's split: the frozen part runs in eval mode under no_grad, the tail trains
with Adam(1e-4) on cross-entropy; loss.item() reads the loss back as the tfjs side awaits data().
  head:   the head only.
  last13: Keras's last 13 layers are the last residual block + post BN (ResNet50V2) or block_16 +
          Conv_1 (MobileNetV2); here layer4[-1] (ResNet50) and features[17:] (MobileNetV2), about the same.
  all:    every layer.

fp32: TF32 is switched off for matmuls and cuDNN convolutions (PyTorch allows it for convs by
default); cudnn.benchmark is on, as a tuned PyTorch user would run.

  python3 bench/torch_ref.py [--embedded-batches 1,8,32,64] [--resnet-batches 1,64] [--resnet-size 224]
        [--train-batch 32] [--warmup 2] [--reps 5] [--train-reps 3] [--classes 2] [--alpha 0.35] [--device auto]
"""

import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


def log(msg: str) -> None:
    print(f"[torch_ref] {msg}", file=sys.stderr, flush=True)


def head(features: int, classes: int) -> nn.Module:
    return nn.Sequential(nn.Linear(features, 32), nn.ReLU(inplace=True), nn.Dropout(0.2), nn.Linear(32, classes))


class _Bottleneck(nn.Module):
    """torchvision's ResNet v1.5 bottleneck (stride on the 3x3), for when torchvision is missing."""

    def __init__(self, cin: int, width: int, stride: int) -> None:
        super().__init__()
        out = width * 4
        self.body = nn.Sequential(
            nn.Conv2d(cin, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, out, 1, bias=False), nn.BatchNorm2d(out),
        )
        self.down = None if stride == 1 and cin == out else nn.Sequential(nn.Conv2d(cin, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.body(x) + (x if self.down is None else self.down(x)))


def _resnet50_local() -> nn.Module:
    m = nn.Module()
    m.conv1, m.bn1, m.relu = nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True)
    m.maxpool, m.avgpool = nn.MaxPool2d(3, 2, 1), nn.AdaptiveAvgPool2d(1)
    cin = 64
    for i, (width, blocks, stride) in enumerate([(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]):
        layer = []
        for b in range(blocks):
            layer.append(_Bottleneck(cin, width, stride if b == 0 else 1))
            cin = width * 4
        setattr(m, f"layer{i + 1}", nn.Sequential(*layer))
    return m


def _divisible(v: float, d: int = 8) -> int:
    n = max(d, int(v + d / 2) // d * d)
    return n + d if n < 0.9 * v else n


class _InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, t: int) -> None:
        super().__init__()
        hidden = cin * t
        cbr = lambda i, o, k, s, g: [nn.Conv2d(i, o, k, s, k // 2, groups=g, bias=False), nn.BatchNorm2d(o), nn.ReLU6(inplace=True)]
        layers = cbr(cin, hidden, 1, 1, 1) if t != 1 else []
        layers += cbr(hidden, hidden, 3, stride, hidden) + [nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x) if self.residual else self.conv(x)


def _mobilenet_v2_local(alpha: float) -> nn.Module:
    """torchvision's MobileNetV2 features (same widths and rounding), for when torchvision is missing."""
    m = nn.Module()
    cin = _divisible(32 * alpha)
    m.last_channel = _divisible(1280 * max(1.0, alpha))
    feats = [nn.Sequential(nn.Conv2d(3, cin, 3, 2, 1, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(inplace=True))]
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            feats.append(_InvertedResidual(cin, _divisible(c * alpha), s if i == 0 else 1, t))
            cin = _divisible(c * alpha)
    feats.append(nn.Sequential(nn.Conv2d(cin, m.last_channel, 1, bias=False), nn.BatchNorm2d(m.last_channel), nn.ReLU6(inplace=True)))
    m.features = nn.Sequential(*feats)
    return m


def torchvision_or_none():
    try:
        import torchvision

        return torchvision
    except Exception as e:  # absent, or built for another torch (its C++ ops missing)
        log(f"torchvision not importable ({type(e).__name__}: {e}); using torch_ref.py's own copies of its definitions")
        return None


def build(name: str, classes: int, alpha: float, tv) -> tuple[list[nn.Module], dict[str, int], str]:
    """The model as an ordered list of parts, and where each train phase cuts it (index of the first trainable part)."""
    source = "torchvision" if tv else "torch_ref.py's copy of torchvision's"
    if name == "resnet50v2":
        m = tv.models.resnet50(weights=None) if tv else _resnet50_local()
        blocks = list(m.layer4.children())
        parts = [m.conv1, m.bn1, m.relu, m.maxpool, m.layer1, m.layer2, m.layer3, *blocks, m.avgpool, nn.Flatten(1), head(2048, classes)]
        last = 7 + len(blocks) - 1
        label = f"{source} resnet50 (ResNet50 v1, not v2) + head"
    else:
        try:
            m = tv.models.mobilenet_v2(weights=None, width_mult=alpha) if tv else _mobilenet_v2_local(alpha)
            label = f"{source} mobilenet_v2(width_mult={alpha}) + head"
        except TypeError:
            m = tv.models.mobilenet_v2(weights=None)
            label = f"{source} mobilenet_v2 width 1.0 (width_mult={alpha} not accepted here) + head"
        feats = list(m.features.children())
        parts = [*feats, nn.AdaptiveAvgPool2d(1), nn.Flatten(1), head(m.last_channel, classes)]
        last = len(feats) - 2
    cuts = {"head": len(parts) - 1, "last13": last, "all": 0}
    return parts, cuts, label


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(device: torch.device, warmup: int, reps: int, fn) -> list[float]:
    out = []
    for i in range(warmup + reps):
        sync(device)
        t0 = time.perf_counter()
        fn()
        if i >= warmup:
            out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedded-batches", default="1,8,32,64")
    ap.add_argument("--resnet-batches", default="1,64")
    ap.add_argument("--embedded-size", type=int, default=224)
    ap.add_argument("--resnet-size", type=int, default=224)
    ap.add_argument("--train-batch", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--train-reps", type=int, default=3)
    ap.add_argument("--classes", type=int, default=2)
    ap.add_argument("--alpha", type=float, default=0.35)
    ap.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu"])
    a = ap.parse_args()

    tv = torchvision_or_none()
    cuda = torch.cuda.is_available()
    device = torch.device("cuda" if a.device == "cuda" or (a.device == "auto" and cuda) else "cpu")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    result = {
        "torch": torch.__version__,
        "torchvision": tv.__version__ if tv else None,
        "python": sys.version.split()[0],
        "device": device.type,
        "deviceName": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if cuda else None,
        "threads": torch.get_num_threads(),
        "settings": "fp32, TF32 off (matmul and cuDNN), cudnn.benchmark on, eval mode + inference_mode for inference",
        "models": {},
        "inference": [],
        "train": [],
    }
    plans = [
        ("embedded", a.embedded_size, [int(b) for b in a.embedded_batches.split(",") if b]),
        ("resnet50v2", a.resnet_size, [int(b) for b in a.resnet_batches.split(",") if b]),
    ]
    for name, size, batches in plans:
        parts, cuts, label = build(name, a.classes, a.alpha, tv)
        result["models"][name] = label
        model = nn.Sequential(*parts).to(device).eval()
        for b in batches:
            x = torch.rand(b, 3, size, size, device=device) * 2 - 1
            with torch.inference_mode():
                ms = timed(device, a.warmup, a.reps, lambda: F.softmax(model(x), dim=1).cpu())
            result["inference"].append({"model": name, "batch": b, "size": size, "msPerCall": statistics.median(ms), "calls": len(ms)})
            log(f"{name} inference b{b}: {statistics.median(ms):.2f} ms")
            del x
        b = a.train_batch
        x = torch.rand(b, 3, size, size, device=device) * 2 - 1
        y = torch.arange(b, device=device) % a.classes
        for phase, cut in cuts.items():
            frozen = nn.Sequential(*parts[:cut]).eval()
            tail = nn.Sequential(*parts[cut:]).train()
            for p in frozen.parameters():
                p.requires_grad_(False)
            for p in tail.parameters():
                p.requires_grad_(True)
            opt = torch.optim.Adam(tail.parameters(), lr=1e-4)

            def step() -> None:
                with torch.no_grad():
                    mid = frozen(x)
                loss = F.cross_entropy(tail(mid), y)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                loss.item()

            ms = timed(device, a.warmup, a.train_reps, step)
            med = statistics.median(ms)
            result["train"].append(
                {"model": name, "phase": phase, "batch": b, "size": size, "msPerStep": med, "imagesPerS": b * 1000 / med, "steps": len(ms)}
            )
            log(f"{name} train {phase} b{b}: {b * 1000 / med:.1f} img/s")
            del opt
        del x, y, model, parts
        if device.type == "cuda":
            torch.cuda.empty_cache()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
