"""Draw the figures of the assignment w1a2_convolution_application.

Run from the repository root with ``python -m course_tools figures w1a2_convolution_application``.

The PNG files are written to ``source/w1a2_convolution_application/images/``:

* ``happy_model.png`` and ``signs_model.png`` -- the two networks of the assignment as a chain
  of layers, with the shape of the tensor after each one (computed here from the layer
  arithmetic, not from Keras, so the figure is an independent statement of the exercise);
* ``sequential_vs_functional.png`` -- a straight stack of layers beside a graph with two inputs,
  a skip connection and two outputs, which only the Functional API can express.

Nothing is random and the PNGs carry no timestamp, so running the script twice gives identical files.
"""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from .diagram import EDGE, SAVE, SHORTCUT, arrow
from .diagram import box as _box

box = partial(_box, fontsize=10)


def same(n: int, stride: int) -> int:
    """Output size of a 'same'-padded window: ceil(n / stride)."""
    return math.ceil(n / stride)


def valid(n: int, f: int, stride: int) -> int:
    """Output size of an unpadded window: floor((n - f) / stride) + 1."""
    return (n - f) // stride + 1


def shape_text(shape: tuple[int, ...]) -> str:
    return " × ".join(str(s) for s in shape)


def chain(layers, input_shape, title, path):
    """Draw a left-to-right chain of layers; ``layers`` are (label, kind, output shape)."""
    items = [("Input", "input", input_shape)] + list(layers)
    step, w, h = 1.75, 1.45, 1.0
    fig, ax = plt.subplots(figsize=(step * len(items) * 0.95, 2.5))
    for i, (label, kind, shape) in enumerate(items):
        x = i * step
        box(ax, x, 0.0, w, h, label, kind, fontsize=9)
        ax.text(x, -0.78, shape_text(shape), ha="center", va="top", fontsize=9, color="#333333")
        if i:
            arrow(ax, ((i - 1) * step + w / 2, 0.0), (x - w / 2, 0.0))
    ax.text(
        -w / 2,
        -1.35,
        "numbers below each box: the shape of one example after that layer",
        fontsize=8,
        color="#666666",
        va="top",
    )
    ax.set_title(title, fontsize=11)
    ax.set_xlim(-w / 2 - 0.1, (len(items) - 1) * step + w / 2 + 0.1)
    ax.set_ylim(-1.7, 0.75)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.savefig(path, **SAVE)
    plt.close(fig)


def happy_model(path):
    n = 64
    p = n + 2 * 3  # ZeroPadding2D(3)
    c = valid(p, 7, 1)  # Conv2D 7x7, stride 1, no padding
    m = valid(c, 2, 2)  # MaxPooling2D 2x2 (stride defaults to the pool size)
    layers = [
        ("ZeroPadding2D\npad 3", "pad", (p, p, 3)),
        ("Conv2D\n32 of 7×7", "conv", (c, c, 32)),
        ("BatchNorm\naxis 3", "norm", (c, c, 32)),
        ("ReLU", "act", (c, c, 32)),
        ("MaxPool2D\n2×2", "pool", (m, m, 32)),
        ("Flatten", "flat", (m * m * 32,)),
        ("Dense 1\nsigmoid", "dense", (1,)),
    ]
    chain(layers, (n, n, 3), "happyModel: a Sequential stack (binary classifier)", path)


def signs_model(path):
    n = 64
    a = same(n, 1)
    b = same(a, 8)
    d = same(b, 4)
    layers = [
        ("Conv2D\n8 of 4×4\nsame", "conv", (a, a, 8)),
        ("ReLU", "act", (a, a, 8)),
        ("MaxPool2D\n8×8, s 8\nsame", "pool", (b, b, 8)),
        ("Conv2D\n16 of 2×2\nsame", "conv", (b, b, 16)),
        ("ReLU", "act", (b, b, 16)),
        ("MaxPool2D\n4×4, s 4\nsame", "pool", (d, d, 16)),
        ("Flatten", "flat", (d * d * 16,)),
        ("Dense 6\nsoftmax", "dense", (6,)),
    ]
    chain(layers, (n, n, 3), "convolutional_model(input_shape=(64, 64, 3)): Functional API (6 classes)", path)


def sequential_vs_functional(path):
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 6.2), gridspec_kw={"width_ratios": [1, 1.9]})
    w, h = 1.9, 0.55

    # Left: a stack, every layer feeds the next one.
    stack = [
        ("Input", "input"),
        ("Conv2D", "conv"),
        ("ReLU", "act"),
        ("MaxPool2D", "pool"),
        ("Flatten", "flat"),
        ("Dense", "dense"),
    ]
    for i, (label, kind) in enumerate(stack):
        y = -i * 1.0
        box(left, 0, y, w, h, label, kind)
        if i:
            arrow(left, (0, y + 1.0 - h / 2), (0, y + h / 2))
    left.text(0, -6.05, "one input, one output,\neach layer feeds the next", ha="center", va="top", fontsize=10)
    left.set_title("Sequential: a stack", fontsize=12)
    left.set_xlim(-2.2, 2.2)
    left.set_ylim(-7.0, 0.7)

    # Right: a graph -- two inputs, a skip connection (Add), a merge (Concatenate), two outputs.
    nodes = {
        "image": (-1.6, 0.0, "Input: image", "input"),
        "conv1": (-1.6, -1.0, "Conv2D + ReLU", "conv"),
        "conv2": (-1.6, -2.0, "Conv2D + ReLU", "conv"),
        "add": (-1.6, -3.0, "Add", "merge"),
        "flat": (-1.6, -4.0, "Flatten", "flat"),
        "meta": (1.9, -3.0, "Input: numbers", "input"),
        "dense_meta": (1.9, -4.0, "Dense", "dense"),
        "concat": (0.15, -5.0, "Concatenate", "merge"),
        "out1": (-1.6, -6.2, "Dense: class", "dense"),
        "out2": (1.9, -6.2, "Dense: box", "dense"),
    }
    for x, y, label, kind in nodes.values():
        box(right, x, y, 2.4, h, label, kind)

    def link(a, b, rad=0.0, colour=EDGE):
        xa, ya = nodes[a][:2]
        xb, yb = nodes[b][:2]
        arrow(right, (xa, ya - h / 2), (xb, yb + h / 2), rad=rad, colour=colour)

    for a, b in [
        ("image", "conv1"),
        ("conv1", "conv2"),
        ("conv2", "add"),
        ("add", "flat"),
        ("meta", "dense_meta"),
        ("flat", "concat"),
        ("dense_meta", "concat"),
        ("concat", "out1"),
        ("concat", "out2"),
    ]:
        link(a, b)
    # The skip connection: the output of conv1 jumps over conv2 to the Add.
    arrow(right, (-1.6 - 1.2, -1.0), (-1.6 - 1.2, -3.0), rad=0.55, colour=SHORTCUT)
    right.text(-4.05, -2.0, "skip\nconnection", ha="center", va="center", fontsize=9, color=SHORTCUT)
    right.text(
        -0.7,
        -7.05,
        "layers are functions called on tensors:\nany graph of them is a model",
        ha="center",
        va="top",
        fontsize=10,
    )
    right.set_title("Functional: a graph", fontsize=12)
    right.set_xlim(-4.8, 3.4)
    right.set_ylim(-7.6, 0.7)

    for ax in (left, right):
        ax.set_aspect("equal")
        ax.axis("off")
    fig.savefig(path, **SAVE)
    plt.close(fig)


def draw(out_dir: Path) -> list[Path]:
    """Write every figure of the assignment into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    happy_model(out_dir / "happy_model.png")
    signs_model(out_dir / "signs_model.png")
    sequential_vs_functional(out_dir / "sequential_vs_functional.png")
    return sorted(out_dir.glob("*.png"))
