"""Draw the figures of the assignment w2a1_residual_networks.

Run from the repository root with ``python -m course_tools figures w2a1_residual_networks``.

The PNG files are written to ``source/w2a1_residual_networks/images/``:

* ``vanishing_gradients.png`` -- how much of the error signal at the output of a 50-layer network
  reaches each layer, for a plain stack and for the same layers with shortcuts.  The numbers are
  computed here, with NumPy, on a toy regression problem (see ``error_signal``);
* ``identity_block.png`` -- the main path of the identity block and the shortcut that skips it;
* ``convolutional_block.png`` -- the same with a strided main path and a 1x1 convolution plus batch
  normalization on the shortcut;
* ``resnet50_stages.png`` -- ResNet50 stage by stage, with the shape of the tensor after each stage
  for a 64 x 64 x 3 image (computed from the layer arithmetic, not from Keras);
* ``my_hand.png`` -- not a drawing: one of the signs test pictures (``MY_HAND``), stored as a PNG
  file so that the notebook's "your own picture" cell has a file to open before students use theirs.

Nothing is random except the toy network, whose generator is seeded, and the PNGs carry no
timestamp, so running the script twice gives identical files.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

from .diagram import EDGE, LAYER_COLOURS, SAVE, SHORTCUT, arrow
from .diagram import box as _box

COLOURS = {**LAYER_COLOURS, "conv_block": "#9FC5E8", "id_block": "#CFE2F3"}
box = partial(_box, palette=COLOURS)


def line(ax, points, colour=SHORTCUT, lw=1.6):
    xs, ys = zip(*points, strict=True)
    ax.plot(xs, ys, color=colour, lw=lw, solid_capstyle="round")


def plus(ax, x, y, r=0.28):
    ax.add_patch(Circle((x, y), r, facecolor=COLOURS["merge"], edgecolor=EDGE, lw=1.0))
    ax.text(x, y, "+", ha="center", va="center", fontsize=14)


def valid(n: int, f: int, stride: int) -> int:
    """Output size of an unpadded window: floor((n - f) / stride) + 1."""
    return (n - f) // stride + 1


# --- the vanishing-gradient experiment -------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def error_signal(depth: int, residual: bool, width: int = 64, batch: int = 256, seed: int = 0) -> np.ndarray:
    """``||dL/dh_l|| / ||dL/dh_L||`` for l = 0 .. depth, at initialisation.

    A toy regression: ``depth`` fully connected sigmoid layers of ``width`` units, weights drawn
    from the Glorot-uniform distribution (Keras' default), a mean-squared-error loss against random
    targets.  Plain: ``h_{l+1} = sigmoid(W_l h_l)``.  Residual: ``h_{l+1} = h_l + sigmoid(W_l h_l)``.
    Backpropagation is written out by hand, so the numbers do not depend on any framework.
    """
    rng = np.random.default_rng(seed)
    limit = np.sqrt(6.0 / (width + width))
    weights = [rng.uniform(-limit, limit, (width, width)) for _ in range(depth)]
    x = rng.normal(size=(batch, width))
    y = rng.normal(size=(batch, width))
    hidden, pre = [x], []
    for w in weights:
        z = hidden[-1] @ w
        pre.append(z)
        hidden.append(hidden[-1] + _sigmoid(z) if residual else _sigmoid(z))
    grad = (hidden[-1] - y) / batch  # dL/dh_L for L = mean over the batch of 0.5 * ||h_L - y||^2
    norms = [np.linalg.norm(grad)]
    for w, z in zip(reversed(weights), reversed(pre), strict=True):
        s = _sigmoid(z)
        through_layer = (grad * s * (1.0 - s)) @ w.T
        grad = grad + through_layer if residual else through_layer
        norms.append(np.linalg.norm(grad))
    norms = np.array(norms[::-1])
    return norms / norms[-1]


def vanishing_gradients(path):
    depth = 50
    plain = error_signal(depth, residual=False)
    residual = error_signal(depth, residual=True)
    layers = np.arange(depth + 1)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    ax.semilogy(layers, plain, marker="o", markersize=3, label="plain:  $h_{l+1} = \\sigma(W_l h_l)$")
    ax.semilogy(
        layers,
        residual,
        marker="o",
        markersize=3,
        color=SHORTCUT,
        label="with shortcuts:  $h_{l+1} = h_l + \\sigma(W_l h_l)$",
    )
    ax.set_xlabel("layer $l$ (0 = input, 50 = output)")
    ax.set_ylabel("$\\|\\partial L / \\partial h_l\\| \\;/\\; \\|\\partial L / \\partial h_{50}\\|$")
    ax.set_title("How much of the error signal reaches each layer of a 50-layer network", fontsize=11)
    ax.annotate(f"{plain[0]:.0e}", (0, plain[0]), textcoords="offset points", xytext=(8, 0), fontsize=8, va="center")
    ax.annotate(
        f"{residual[0]:.2f}",
        (0, residual[0]),
        textcoords="offset points",
        xytext=(8, -10),
        fontsize=8,
        va="center",
        color=SHORTCUT,
    )
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=9, loc="lower right")
    ax.text(
        0.0,
        -0.27,
        "toy problem: 64 sigmoid units per layer, Glorot-uniform weights, squared error, at initialisation",
        transform=ax.transAxes,
        fontsize=8,
        color="#666666",
    )
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- the two blocks -----------------------------------------------------------------------------------


def block(path, convolutional: bool):
    """Main path left to right along y = 0, shortcut above it."""
    step, w, h = 1.45, 1.25, 0.95
    main = [
        ("Conv2D\n$F_1$, 1×1" + ("\nstride $s$" if convolutional else "") + "\nvalid", "conv"),
        ("BatchNorm\naxis 3", "norm"),
        ("ReLU", "act"),
        ("Conv2D\n$F_2$, $f$×$f$\nsame", "conv"),
        ("BatchNorm\naxis 3", "norm"),
        ("ReLU", "act"),
        ("Conv2D\n$F_3$, 1×1\nvalid", "conv"),
        ("BatchNorm\naxis 3", "norm"),
    ]
    fig, ax = plt.subplots(figsize=(13.5, 3.6))
    box(ax, 0.0, 0.0, 0.9, h, "$X$", "input", fontsize=11)
    xs = [1.3 + i * step for i in range(len(main))]
    arrow(ax, (0.45, 0.0), (xs[0] - w / 2, 0.0))
    for i, (label, kind) in enumerate(main):
        box(ax, xs[i], 0.0, w, h, label, kind, fontsize=8.5)
        if i:
            arrow(ax, (xs[i - 1] + w / 2, 0.0), (xs[i] - w / 2, 0.0))
    x_add = xs[-1] + w / 2 + 0.75
    plus(ax, x_add, 0.0)
    arrow(ax, (xs[-1] + w / 2, 0.0), (x_add - 0.28, 0.0))
    x_relu = x_add + 1.15
    box(ax, x_relu, 0.0, 0.9, h, "ReLU", "act")
    arrow(ax, (x_add + 0.28, 0.0), (x_relu - 0.45, 0.0))
    arrow(ax, (x_relu + 0.45, 0.0), (x_relu + 1.05, 0.0))
    ax.text(x_relu + 1.1, 0.0, "output", va="center", fontsize=9)

    # The shortcut: up from X, along the top, down into the +.
    top = 1.45
    if convolutional:
        mid = (xs[3] + xs[4]) / 2
        line(ax, [(0.0, h / 2), (0.0, top), (mid - 1.5 - w / 2, top)])
        box(
            ax,
            mid - 1.5,
            top,
            w + 0.35,
            h,
            "Conv2D\n$F_3$, 1×1\nstride $s$, valid",
            "conv",
            fontsize=8.5,
            edge=SHORTCUT,
        )
        arrow(ax, (mid - 1.5 + (w + 0.35) / 2, top), (mid + 1.0 - w / 2, top), colour=SHORTCUT)
        box(ax, mid + 1.0, top, w, h, "BatchNorm\naxis 3", "norm", fontsize=8.5, edge=SHORTCUT)
        line(ax, [(mid + 1.0 + w / 2, top), (x_add, top)])
        label = "shortcut: resized to the main path's output shape"
    else:
        line(ax, [(0.0, h / 2), (0.0, top), (x_add, top)])
        label = "shortcut: $X$ itself, unchanged"
    arrow(ax, (x_add, top), (x_add, 0.28), colour=SHORTCUT, lw=1.6)
    ax.text(0.2, top + 0.62, label, fontsize=10, color=SHORTCUT, va="center")
    ax.text(xs[0] - w / 2, -0.95, "main path", fontsize=10, color="#333333", va="center")

    if convolutional:
        title = (
            "The convolutional block: input $n_H \\times n_W \\times n_C$, output "
            "$\\lceil n_H / s \\rceil \\times \\lceil n_W / s \\rceil \\times F_3$"
        )
    else:
        title = (
            "The identity block: input and output are both $n_H \\times n_W \\times F_3$ "
            "(the input must already have $F_3$ channels)"
        )
    ax.set_title(title, fontsize=11)
    ax.set_xlim(-0.6, x_relu + 1.9)
    ax.set_ylim(-1.3, top + 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- ResNet50 -----------------------------------------------------------------------------------------

STAGES = [  # (filters, stride of the convolutional block, number of identity blocks)
    ((64, 64, 256), 1, 2),
    ((128, 128, 512), 2, 3),
    ((256, 256, 1024), 2, 5),
    ((512, 512, 2048), 2, 2),
]


def resnet50_stages(path, n: int = 64, classes: int = 6):
    padded = n + 2 * 3
    conv1 = valid(padded, 7, 2)
    pooled = valid(conv1, 3, 2)
    items = [
        ("Input", "input", f"{n}×{n}×3"),
        ("ZeroPadding2D\n3", "pad", f"{padded}×{padded}×3"),
        ("Stage 1\nConv2D 64\n7×7, stride 2\nBatchNorm\nReLU\nMaxPool 3×3\nstride 2", "conv", f"{pooled}×{pooled}×64"),
    ]
    size = pooled
    for number, (filters, stride, repeats) in enumerate(STAGES, start=2):
        size = valid(size, 1, stride)
        text = (
            f"Stage {number}\nconv block\n{filters[0]}, {filters[1]}, {filters[2]}\nstride {stride}\n"
            f"+ {repeats} identity\nblocks"
        )
        items.append((text, "conv_block", f"{size}×{size}×{filters[2]}"))
    size = valid(size, 2, 2)
    items += [
        ("AvgPool\n2×2", "pool", f"{size}×{size}×2048"),
        ("Flatten", "flat", f"{size * size * 2048}"),
        (f"Dense {classes}\nsoftmax", "dense", f"{classes}"),
    ]
    step, w, h = 1.8, 1.55, 2.2
    fig, ax = plt.subplots(figsize=(step * len(items) * 0.9, 3.6))
    for i, (label, kind, shape) in enumerate(items):
        x = i * step
        box(ax, x, 0.0, w, h, label, kind, fontsize=8.5)
        ax.text(x, -h / 2 - 0.25, shape, ha="center", va="top", fontsize=9, color="#333333")
        if i:
            arrow(ax, ((i - 1) * step + w / 2, 0.0), (x - w / 2, 0.0))
    ax.text(
        -w / 2,
        -h / 2 - 0.85,
        "below each box: the shape of one example after it; the blocks of a stage "
        "share the same filters $[F_1, F_2, F_3]$ and $f = 3$",
        fontsize=8,
        color="#666666",
        va="top",
    )
    ax.set_title(f"ResNet50 for {n}×{n}×3 images and {classes} classes: 16 residual blocks in 4 stages", fontsize=11)
    ax.set_xlim(-w / 2 - 0.1, (len(items) - 1) * step + w / 2 + 0.1)
    ax.set_ylim(-h / 2 - 1.2, h / 2 + 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.savefig(path, **SAVE)
    plt.close(fig)


MY_HAND = 22  # index in the signs test set: a hand showing three fingers


def my_hand(path: Path, index: int = MY_HAND) -> None:
    """Save the signs test picture ``index`` (64 x 64 RGB) as a PNG, unchanged."""
    from PIL import Image

    from shared_utils.datasets import load_signs

    Image.fromarray(load_signs().x_test[index]).save(path)


def draw(out_dir: Path) -> list[Path]:
    """Write every figure of the assignment into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    vanishing_gradients(out_dir / "vanishing_gradients.png")
    block(out_dir / "identity_block.png", convolutional=False)
    block(out_dir / "convolutional_block.png", convolutional=True)
    resnet50_stages(out_dir / "resnet50_stages.png")
    my_hand(out_dir / "my_hand.png")
    return sorted(out_dir.glob("*.png"))
