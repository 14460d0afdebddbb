"""Draw the figures of the assignment w2a2_transfer_learning.

Run from the repository root with ``python -m course_tools figures w2a2_transfer_learning``.

The PNG files are written to ``source/w2a2_transfer_learning/images/``:

* ``depthwise_separable.png`` -- a standard convolution next to a depthwise convolution followed
  by a pointwise (1x1) one, with what each costs;
* ``inverted_residual.png`` -- ResNet's bottleneck block (wide, narrow, wide) next to MobileNetV2's
  inverted residual block (narrow, wide, narrow) with its linear bottleneck;
* ``transfer_model.png`` -- the model of the assignment: the pretrained base, frozen, with its
  source classifier removed and a new one-unit head;
* ``fine_tuning.png`` -- which layers fine-tuning trains: the base's last layers (batch normalization
  excepted) and the head; the layer list comes from ``keras.applications.MobileNetV2``.

Nothing is random and the PNGs carry no timestamp, so running the script twice gives identical files.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Polygon, Rectangle

from .diagram import EDGE, SAVE, SHORTCUT, arrow
from .diagram import box as _box

FROZEN = "#B9C7D6"
TRAINED = "#F4B183"
COLOURS = {
    "input": "#DDDDDD",
    "augment": "#D9EAD3",
    "scale": "#FFF2CC",
    "base": FROZEN,
    "pool": "#B8DEC0",
    "drop": "#EFEFC0",
    "dense": TRAINED,
    "old": "#EEEEEE",
    "conv": "#A9C4EB",
    "depthwise": "#C9B3E0",
    "pointwise": "#F6D7A7",
}
CHANNELS = ["#E06666", "#F6B26B", "#FFD966", "#93C47D", "#6FA8DC", "#8E7CC3"]

box = partial(_box, palette=COLOURS)

# The notebook fine-tunes the base from layer FINE_TUNE_AT on.
FINE_TUNE_AT = 100


def base_layer_kinds() -> list[str]:
    """The class names of the layers of keras.applications.MobileNetV2(alpha=0.35, include_top=False)."""
    from shared_utils import runtime

    runtime.load_tensorflow()
    import keras

    base = keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35, input_shape=(96, 96, 3))
    return [type(layer).__name__ for layer in base.layers]


def cuboid(ax, x, y, w, h, depth, colour, edge=EDGE, lw=0.8):
    """A box seen slightly from above and the right: front face at (x, y) with size w x h,
    receding by ``depth`` (drawn along the diagonal)."""
    dx, dy = 0.55 * depth, 0.35 * depth
    front = Rectangle((x, y), w, h, facecolor=colour, edgecolor=edge, lw=lw)
    top = Polygon(
        [(x, y + h), (x + dx, y + h + dy), (x + w + dx, y + h + dy), (x + w, y + h)],
        closed=True,
        facecolor=colour,
        edgecolor=edge,
        lw=lw,
        alpha=0.75,
    )
    side = Polygon(
        [(x + w, y), (x + w + dx, y + dy), (x + w + dx, y + h + dy), (x + w, y + h)],
        closed=True,
        facecolor=colour,
        edgecolor=edge,
        lw=lw,
        alpha=0.55,
    )
    for patch in (side, top, front):
        ax.add_patch(patch)


def sliced(ax, x, y, w, h, colours, thickness=0.12):
    """A tensor drawn as one slice per channel, front slice last (channel order back to front)."""
    for i, colour in reversed(list(enumerate(colours))):
        offset = i * thickness
        cuboid(ax, x + 0.55 * offset, y + 0.35 * offset, w, h, thickness, colour)


# --- depthwise separable convolution ------------------------------------------------------------


def depthwise_separable(path):
    fig, axes = plt.subplots(2, 1, figsize=(10.5, 6.8))
    inputs = CHANNELS[:4]  # M = 4 input channels
    outputs = ["#CFE2F3", "#9FC5E8", "#6FA8DC", "#3D85C6", "#2B5F91", "#1C4266"]  # N = 6 new channels

    ax = axes[0]
    ax.set_title("Standard convolution: every filter looks at all $M$ input channels at once", fontsize=11, loc="left")
    sliced(ax, 0.0, 0.0, 1.6, 1.6, inputs, thickness=0.3)
    ax.text(1.1, -0.35, "input  $n_H \\times n_W \\times M$", ha="center", fontsize=9)
    arrow(ax, (2.7, 0.9), (3.5, 0.9))
    for j in range(4):  # N filters of k x k x M (three drawn, then dots)
        if j == 3:
            ax.text(3.75 + 1.0 * j, 0.85, "...", fontsize=12, ha="left", va="center")
            continue
        sliced(ax, 3.7 + 1.0 * j, 0.55, 0.5, 0.5, inputs, thickness=0.12)
    ax.text(5.3, -0.35, "$N$ filters, each $k \\times k \\times M$", ha="center", fontsize=9)
    arrow(ax, (7.4, 0.9), (8.2, 0.9))
    sliced(ax, 8.4, 0.0, 1.6, 1.6, outputs, thickness=0.22)
    ax.text(9.6, -0.35, "output  $n_H \\times n_W \\times N$", ha="center", fontsize=9)
    ax.text(
        12.9,
        0.9,
        "multiplications:\n$k^2 \\cdot M \\cdot N \\cdot n_H n_W$",
        ha="center",
        va="center",
        fontsize=10,
        bbox={"facecolor": "white", "edgecolor": EDGE, "boxstyle": "round"},
    )

    ax = axes[1]
    ax.set_title(
        "Depthwise separable: filter each channel on its own, then mix channels with 1×1 filters",
        fontsize=11,
        loc="left",
    )
    sliced(ax, 0.0, 0.0, 1.6, 1.6, inputs, thickness=0.3)
    ax.text(1.1, -0.35, "input  $n_H \\times n_W \\times M$", ha="center", fontsize=9)
    arrow(ax, (2.7, 0.9), (3.1, 0.9))
    for j, colour in enumerate(inputs):  # one k x k filter per channel
        cuboid(ax, 3.3 + 0.55 * j, 0.6, 0.4, 0.4, 0.12, colour)
    ax.text(4.2, -0.35, "depthwise: $M$ filters\n$k \\times k \\times 1$, one per channel", ha="center", fontsize=9)
    arrow(ax, (5.6, 0.9), (6.0, 0.9))
    sliced(ax, 6.2, 0.0, 1.6, 1.6, inputs, thickness=0.3)
    ax.text(7.3, -0.35, "$n_H \\times n_W \\times M$", ha="center", fontsize=9)
    arrow(ax, (8.9, 0.9), (9.3, 0.9))
    for j in range(4):  # N filters of 1 x 1 x M
        if j == 3:
            ax.text(9.5 + 0.55 * j, 0.85, "...", fontsize=12, ha="left", va="center")
            continue
        sliced(ax, 9.45 + 0.55 * j, 0.75, 0.16, 0.16, inputs, thickness=0.12)
    ax.text(10.3, -0.35, "pointwise: $N$ filters\n$1 \\times 1 \\times M$", ha="center", fontsize=9)
    arrow(ax, (11.7, 0.9), (12.1, 0.9))
    sliced(ax, 12.3, 0.0, 1.6, 1.6, outputs, thickness=0.22)
    ax.text(13.5, -0.35, "output  $n_H \\times n_W \\times N$", ha="center", fontsize=9)
    ax.text(
        7.0,
        -1.25,
        "multiplications:  $k^2 \\cdot M \\cdot n_H n_W \\;+\\; M \\cdot N \\cdot n_H n_W$"
        "   — a fraction $\\frac{1}{N} + \\frac{1}{k^2}$ of the standard convolution's",
        ha="center",
        va="center",
        fontsize=10,
        bbox={"facecolor": "white", "edgecolor": EDGE, "boxstyle": "round"},
    )

    for ax in axes:
        ax.set_xlim(-0.4, 15.0)
        ax.set_ylim(-1.6, 2.9)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- bottleneck blocks -----------------------------------------------------------------------------


def _tensor_bar(ax, x, channels, scale, label, colour):
    height = channels * scale
    ax.add_patch(Rectangle((x - 0.18, -height / 2), 0.36, height, facecolor=colour, edgecolor=EDGE, lw=1.0))
    ax.text(x, -height / 2 - 0.25, label, ha="center", va="top", fontsize=9)
    return height


def _block(ax, title, channels, ops, labels, colours, scale, linear_last, note):
    xs = [i * 2.3 for i in range(len(channels))]
    heights = [
        _tensor_bar(ax, x, c, scale, label, colour)
        for x, c, label, colour in zip(xs, channels, labels, colours, strict=True)
    ]
    for i, (op, kind) in enumerate(ops):
        x0, x1 = xs[i] + 0.18, xs[i + 1] - 0.18
        arrow(ax, (x0, 0.0), (x1, 0.0))
        box(ax, (x0 + x1) / 2, 0.0, 1.45, 0.95, op, kind, fontsize=8.5)
    top = max(heights) / 2 + 0.55
    ax.plot([xs[0], xs[0], xs[-1]], [heights[0] / 2, top, top], color=SHORTCUT, lw=1.6)
    arrow(ax, (xs[-1], top), (xs[-1], heights[-1] / 2), colour=SHORTCUT, lw=1.6)
    ax.text(
        (xs[0] + xs[-1]) / 2,
        top + 0.12,
        "shortcut: added to the output",
        ha="center",
        va="bottom",
        fontsize=9,
        color=SHORTCUT,
    )
    if linear_last:
        ax.text(xs[-2] + 1.15, -0.75, "no ReLU: linear", ha="center", va="top", fontsize=8.5, color="#7F3F00")
    ax.set_title(title, fontsize=11)
    ax.text((xs[0] + xs[-1]) / 2, -max(heights) / 2 - 1.1, note, ha="center", va="top", fontsize=9, color="#444444")
    ax.set_xlim(-1.0, xs[-1] + 1.0)
    ax.set_ylim(-max(heights) / 2 - 1.9, top + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")


def inverted_residual(path):
    fig, axes = plt.subplots(1, 2, figsize=(13.0, 4.6))
    _block(
        axes[0],
        "ResNet bottleneck: wide → narrow → wide",
        [256, 64, 64, 256],
        [("1×1 conv\nBN, ReLU", "conv"), ("3×3 conv\nBN, ReLU", "conv"), ("1×1 conv\nBN", "conv")],
        ["256", "64", "64", "256"],
        [COLOURS["conv"]] * 4,
        0.011,
        False,
        "the 3×3 convolution works on few channels; the shortcut joins wide tensors",
    )
    _block(
        axes[1],
        "MobileNetV2 inverted residual: narrow → wide → narrow",
        [24, 144, 144, 24],
        [
            ("1×1 expand\n×6, BN,\nReLU6", "pointwise"),
            ("3×3\ndepthwise\nBN, ReLU6", "depthwise"),
            ("1×1 project\nBN", "pointwise"),
        ],
        ["$d$ = 24", "$6d$ = 144", "$6d$ = 144", "$d$ = 24"],
        [COLOURS["pointwise"], COLOURS["depthwise"], COLOURS["depthwise"], COLOURS["pointwise"]],
        0.0195,
        True,
        "the cheap depthwise filter works on many channels; the shortcut joins narrow tensors\n"
        "(only when the block keeps the size: stride 1 and the same number of channels)",
    )
    fig.tight_layout()
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- the transfer model ------------------------------------------------------------------------------


def transfer_model(path):
    fig, ax = plt.subplots(figsize=(13.0, 4.2))
    y = 0.0
    steps = [
        (0.0, 1.2, "image\n96×96×3", "input"),
        (1.75, 1.6, "data\naugmentation\n(flip, rotate)", "augment"),
        (3.6, 1.6, "preprocess\n$x / 127.5 - 1$\n→ [-1, 1]", "scale"),
    ]
    for x, w, text, kind in steps:
        box(ax, x, y, w, 1.2, text, kind, fontsize=9)
    for (x0, w0, *_), (x1, w1, *_) in zip(steps, steps[1:], strict=False):
        arrow(ax, (x0 + w0 / 2, y), (x1 - w1 / 2, y))
    base_x, base_w = 6.55, 3.3
    arrow(ax, (3.6 + 0.8, y), (base_x - base_w / 2, y))
    box(ax, base_x, y, base_w, 1.7, "", "base", hatch="//")
    ax.text(
        base_x,
        y,
        "MobileNetV2 base\n(include_top=False)\nfrozen: trainable = False\ncalled with training=False",
        ha="center",
        va="center",
        fontsize=9,
        bbox={"facecolor": FROZEN, "edgecolor": "none", "boxstyle": "round,pad=0.25"},
    )
    head = [
        (9.6, 1.95, "GlobalAverage-\nPooling2D\n3×3×1280 → 1280", "pool"),
        (11.4, 1.2, "Dropout\nrate 0.2", "drop"),
        (12.85, 1.2, "Dense(1)\nlogit $z$", "dense"),
    ]
    arrow(ax, (base_x + base_w / 2, y), (head[0][0] - head[0][1] / 2, y))
    for (x0, w0, *_), (x1, w1, *_) in zip(head, head[1:], strict=False):
        arrow(ax, (x0 + w0 / 2, y), (x1 - w1 / 2, y))
    for x, w, text, kind in head:
        box(ax, x, y, w, 1.2, text, kind, fontsize=9)
    ax.text(12.85, -0.75, "owl if $z > 0$\n($\\sigma(z) > 0.5$)", ha="center", va="top", fontsize=9)
    # the source classifier, removed
    box(
        ax,
        10.3,
        2.1,
        3.4,
        0.9,
        "source classifier: pooling + Dense(12), softmax\nbat, bird, butterfly, ..., spider",
        "old",
        fontsize=8.5,
        edge="#999999",
        style="--",
    )
    arrow(ax, (base_x + 0.9, 0.85), (8.55, 2.1), colour="#999999", rad=-0.2)
    ax.text(10.3, 2.65, "removed: include_top=False", ha="center", va="bottom", fontsize=9, color="#777777")
    # legend
    ax.add_patch(Rectangle((0.0, -1.95), 0.4, 0.3, facecolor=FROZEN, edgecolor=EDGE, hatch="//"))
    ax.text(0.55, -1.8, "pretrained weights, kept as they are (frozen)", va="center", fontsize=9)
    ax.add_patch(Rectangle((5.6, -1.95), 0.4, 0.3, facecolor=TRAINED, edgecolor=EDGE))
    ax.text(6.15, -1.8, "new weights, trained on the owl pictures (1281 parameters)", va="center", fontsize=9)
    ax.set_xlim(-0.8, 13.7)
    ax.set_ylim(-2.3, 3.2)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- fine-tuning -------------------------------------------------------------------------------------


def fine_tuning(path, kinds: list[str], start: int = FINE_TUNE_AT):
    layers = len(kinds)
    fig, ax = plt.subplots(figsize=(12.5, 3.1))
    width = 0.06
    for i, kind in enumerate(kinds):
        colour = TRAINED if i >= start and kind != "BatchNormalization" else FROZEN
        ax.add_patch(Rectangle((i * width, 0.0), width * 0.8, 1.0, facecolor=colour, edgecolor="none"))
    end = layers * width
    for x, w, text in ((end + 0.6, 1.0, "pooling"), (end + 1.75, 0.9, "dropout"), (end + 2.85, 0.95, "Dense(1)")):
        box(ax, x, 0.5, w, 0.8, text, "dense", fontsize=8.5, colour=TRAINED if text == "Dense(1)" else "#EEEEEE")
    ax.annotate("", xy=(0, -0.25), xytext=(start * width, -0.25), arrowprops={"arrowstyle": "<->", "color": EDGE})
    ax.text(
        start * width / 2,
        -0.4,
        f"layers 0 to {start - 1}: stay frozen (general features: edges, colours, textures)",
        ha="center",
        va="top",
        fontsize=9,
    )
    ax.annotate("", xy=(start * width, 1.25), xytext=(end, 1.25), arrowprops={"arrowstyle": "<->", "color": EDGE})
    ax.text(
        (start * width + end) / 2 + 0.2,
        1.35,
        f"layers {start} to {layers - 1}: trained again\n(specific features: parts, whole creatures)",
        ha="center",
        va="bottom",
        fontsize=9,
    )
    ax.plot([start * width - 0.01] * 2, [-0.1, 1.1], color=SHORTCUT, lw=1.5)
    ax.text(start * width - 0.1, 1.2, f"fine_tune_at = {start}", color=SHORTCUT, fontsize=9, va="bottom", ha="right")
    ax.text(end + 1.75, -0.35, "the head keeps training", ha="center", va="top", fontsize=9)
    ax.add_patch(Rectangle((0.0, -1.2), 0.35, 0.25, facecolor=FROZEN, edgecolor=EDGE))
    ax.text(
        0.45,
        -1.075,
        "frozen (every BatchNormalization layer too: the blue bars among the orange)",
        va="center",
        fontsize=9,
    )
    ax.add_patch(Rectangle((7.6, -1.2), 0.35, 0.25, facecolor=TRAINED, edgecolor=EDGE))
    ax.text(8.05, -1.075, "trained, at one tenth of the first learning rate", va="center", fontsize=9)
    ax.set_xlim(-0.2, end + 3.5)
    ax.set_ylim(-1.4, 2.2)
    ax.axis("off")
    fig.savefig(path, **SAVE)
    plt.close(fig)


def draw(out_dir: Path) -> list[Path]:
    """Write every figure of the assignment into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    depthwise_separable(out_dir / "depthwise_separable.png")
    inverted_residual(out_dir / "inverted_residual.png")
    transfer_model(out_dir / "transfer_model.png")
    fine_tuning(out_dir / "fine_tuning.png", base_layer_kinds())
    return sorted(out_dir.glob("*.png"))
