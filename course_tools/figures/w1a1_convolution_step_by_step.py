"""Draw the figures of the assignment w1a1_convolution_step_by_step.

Run from the repository root with ``python -m course_tools figures w1a1_convolution_step_by_step``.

The PNG files are written to ``source/w1a1_convolution_step_by_step/images/``.  Every number in
the figures is computed here (nothing is random), and the PNGs carry no timestamp, so running
the script twice gives identical files.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

BLUE, ORANGE, GREEN, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#8172B3"
PAD_COLOUR = "#F2D7D5"
GRID_COLOUR = "#FFFFFF"
EDGE = "#555555"


def fmt(value: float) -> str:
    """Integers without a decimal point, other numbers with up to two decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0")


def grid(ax, values, x0, y0, colours=None, size=1.0, fontsize=11, text=True, title=None, bold=None):
    """Draw a matrix of cells whose top-left corner is at (x0, y0); y grows downwards."""
    values = np.asarray(values)
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            colour = GRID_COLOUR if colours is None else colours[r][c]
            ax.add_patch(
                Rectangle((x0 + c * size, y0 + r * size), size, size, facecolor=colour, edgecolor=EDGE, lw=0.8)
            )
            if text:
                weight = "bold" if bold is not None and bold[r][c] else "normal"
                ax.text(
                    x0 + (c + 0.5) * size,
                    y0 + (r + 0.5) * size,
                    fmt(values[r, c]),
                    ha="center",
                    va="center",
                    fontsize=fontsize,
                    weight=weight,
                )
    if title:
        ax.text(x0 + cols * size / 2, y0 - 0.35, title, ha="center", va="bottom", fontsize=12)


def outline(ax, x0, y0, rows, cols, colour, lw=3.0, inset=0.0, size=1.0):
    """A coloured frame around a block of cells (e.g. one window)."""
    ax.add_patch(
        Rectangle(
            (x0 + inset, y0 + inset),
            cols * size - 2 * inset,
            rows * size - 2 * inset,
            fill=False,
            edgecolor=colour,
            lw=lw,
        )
    )


def arrow(ax, start, end, colour=EDGE, text=None, text_offset=(0.0, -0.3)):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=18, color=colour, lw=1.6))
    if text:
        ax.text(
            (start[0] + end[0]) / 2 + text_offset[0],
            (start[1] + end[1]) / 2 + text_offset[1],
            text,
            ha="center",
            va="bottom",
            fontsize=11,
        )


def new_figure(width, height, xlim, ylim):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(ylim[1], ylim[0])  # y grows downwards, like array rows
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def save(fig, path: Path) -> Path:
    fig.savefig(path, dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path


def tint(value: float, low: float, high: float) -> tuple:
    """A light grey-blue whose darkness follows the value, so a tiny image still reads as one."""
    t = (value - low) / (high - low)
    return (0.93 - 0.45 * t, 0.95 - 0.35 * t, 1.0 - 0.15 * t)


# --- 1. zero padding --------------------------------------------------------------------------


def zero_padding():
    image = np.array([[3, 7, 2, 5], [8, 1, 6, 4], [2, 9, 5, 3], [6, 4, 7, 8]])
    pad = 2
    padded = np.pad(image, pad)
    n = padded.shape[0]
    fig, ax = new_figure(10, 4.6, (-0.5, 16.5), (-1.6, n + 0.9))
    colours_in = [[tint(v, 0, 9) for v in row] for row in image]
    grid(ax, image, 0, 2, colours_in, title="image  (4 × 4)")
    colours = [
        [colours_in[r - pad][c - pad] if pad <= r < n - pad and pad <= c < n - pad else PAD_COLOUR for c in range(n)]
        for r in range(n)
    ]
    grid(ax, padded, 8, 0, colours, title=f"zero_pad(image, pad={pad})  ({n} × {n})")
    outline(ax, 8 + pad, pad, 4, 4, BLUE, lw=2.5)
    arrow(ax, (4.4, 4.0), (7.6, 4.0), text=f"pad = {pad}")
    ax.text(
        12,
        n + 0.35,
        "pink cells: the added zeros, pad rows and columns on every side",
        ha="center",
        va="top",
        fontsize=11,
    )
    return fig, "zero_padding.png"


# --- 2. the sliding window and the output size -------------------------------------------------


def sliding_window():
    n_prev, pad, f, stride = 5, 1, 3, 2
    n_out = (n_prev - f + 2 * pad) // stride + 1
    n = n_prev + 2 * pad
    fig, ax = new_figure(10.5, 5.6, (-0.5, 14.8), (-1.7, n + 2.4))
    colours = [
        [PAD_COLOUR if r < pad or r >= n - pad or c < pad or c >= n - pad else "#EAEAF2" for c in range(n)]
        for r in range(n)
    ]
    grid(ax, np.zeros((n, n)), 0, 0, colours, text=False, title="padded input  (5 + 2·1 = 7 rows and columns)")
    windows = [((0, 0), BLUE), ((0, 1), ORANGE), ((1, 0), GREEN), ((2, 2), PURPLE)]
    out_colours = [[GRID_COLOUR] * n_out for _ in range(n_out)]
    for (h, w), colour in windows:
        inset = 0.06 if (h + w) % 2 == 0 else 0.14
        outline(ax, w * stride, h * stride, f, f, colour, lw=3.0, inset=inset)
        out_colours[h][w] = colour
    x_out = 10
    labels = np.array([[f"{h},{w}" for w in range(n_out)] for h in range(n_out)])
    for h in range(n_out):
        for w in range(n_out):
            ax.add_patch(
                Rectangle((x_out + w, 2 + h), 1, 1, facecolor=out_colours[h][w], edgecolor=EDGE, lw=0.8, alpha=0.85)
            )
            ax.text(x_out + w + 0.5, 2 + h + 0.5, labels[h, w], ha="center", va="center", fontsize=10)
    ax.text(x_out + 1.5, 1.65, "output Z  (3 × 3)", ha="center", va="bottom", fontsize=12)
    ax.text(
        x_out + 1.5, 5.35, "each window gives the output\ncell of the same colour", ha="center", va="top", fontsize=10
    )
    ax.text(
        3.5,
        n + 0.35,
        f"f = {f}, stride s = {stride}: window (h, w) starts at row h·s, column w·s",
        ha="center",
        va="top",
        fontsize=11,
    )
    ax.text(
        7.2,
        n + 1.25,
        r"$n_H = \left\lfloor \frac{n_{H,prev} - f + 2p}{s} \right\rfloor + 1"
        rf" = \left\lfloor \frac{{{n_prev} - {f} + 2 \cdot {pad}}}{{{stride}}} \right\rfloor + 1 = {n_out}$",
        ha="center",
        va="top",
        fontsize=14,
    )
    return fig, "conv_sliding_window.png"


# --- 3. max and average pooling -----------------------------------------------------------------


def pooling():
    x = np.array([[1, 5, 2, 0], [3, 2, 9, 1], [4, 0, 6, 5], [7, 1, 2, 3]])
    f = 2
    block_colours = [["#DCE6F2", "#FBE3D6"], ["#DDEFDF", "#E6E0F3"]]
    colours = [[block_colours[r // f][c // f] for c in range(4)] for r in range(4)]
    maxes = x.reshape(2, 2, 2, 2).max(axis=(1, 3))
    means = x.reshape(2, 2, 2, 2).mean(axis=(1, 3))
    is_max = [[x[r, c] == maxes[r // f, c // f] for c in range(4)] for r in range(4)]
    fig, ax = new_figure(8, 4.6, (-0.5, 11.5), (-1.6, 5.2))
    grid(ax, x, 0, 0.5, colours, title="input  (4 × 4)", bold=is_max)
    out_colours = [[block_colours[r][c] for c in range(2)] for r in range(2)]
    grid(ax, maxes, 8, -0.5, out_colours, title="max pooling")
    grid(ax, means, 8, 3.0, out_colours, title="average pooling", fontsize=10)
    arrow(ax, (4.4, 1.7), (7.7, 0.5))
    arrow(ax, (4.4, 3.3), (7.7, 4.0))
    ax.text(
        2,
        4.85,
        "f = 2, stride = 2: each coloured block\ngives one output (maxima in bold)",
        ha="center",
        va="top",
        fontsize=11,
    )
    return fig, "pooling.png"


# --- 4. backward pass of a convolution ------------------------------------------------------


def conv_backward():
    W = np.array([[1, 2], [3, 4]])
    dZ = np.array([[1, -1], [2, 1]])
    colours = [BLUE, ORANGE, GREEN, PURPLE]
    fig, ax = new_figure(13, 5.4, (-0.5, 25.0), (-2.8, 5.6))
    grid(ax, W, 0, -0.2, title="W  (f = 2)")
    dz_colours = [[colours[2 * h + w] + "55" for w in range(2)] for h in range(2)]
    grid(ax, dZ, 0, 3.3, dz_colours, title="dZ")
    total = np.zeros((3, 3))
    for k, (h, w) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        part = np.zeros((3, 3))
        part[h : h + 2, w : w + 2] = dZ[h, w] * W
        total += part
        cell = [
            [colours[k] + "55" if h <= r < h + 2 and w <= c < w + 2 else GRID_COLOUR for c in range(3)]
            for r in range(3)
        ]
        x0 = 3.5 + 4.3 * k
        grid(ax, part, x0, 1, cell, fontsize=10, title=f"dZ[{h},{w}] · W")
        outline(ax, x0 + w, 1 + h, 2, 2, colours[k], lw=2.5)
        ax.text(x0 + 3.65, 2.5, "+" if k < 3 else "=", ha="center", va="center", fontsize=18)
    grid(ax, total, 3.5 + 4.3 * 4, 1, title="dA_prev", bold=[[True] * 3] * 3)
    ax.text(
        12.2,
        -1.4,
        "Each output Z[h, w] came from one window of the input, so dZ[h, w] · W goes back to that window;\n"
        "where windows overlap (stride < f) the contributions add up.",
        ha="center",
        va="center",
        fontsize=11,
    )
    return fig, "conv_backward.png"


# --- 5. backward pass of pooling ---------------------------------------------------------------


def pool_backward():
    window = np.array([[1, 3], [4, 2]])
    dz = 8
    mask = (window == window.max()).astype(int)
    mask_colours = [[GREEN + "66" if m else GRID_COLOUR for m in row] for row in mask]
    fig, ax = new_figure(10, 5.6, (-0.5, 17.0), (-1.2, 6.8))
    # max pooling: first row
    grid(ax, window, 0, 0, title="window of A_prev", bold=mask.astype(bool))
    arrow(ax, (2.3, 1.0), (4.7, 1.0), text="x == max")
    grid(ax, mask, 5, 0, mask_colours, title="mask")
    ax.text(7.75, 1.0, "×", ha="center", va="center", fontsize=18)
    grid(ax, np.array([[dz]]), 8.5, 0.5, [["#FFE9A8"]], title="dA")
    ax.text(10.25, 1.0, "=", ha="center", va="center", fontsize=18)
    grid(ax, mask * dz, 11, 0, mask_colours, title="dA_prev window")
    ax.text(
        -0.4,
        2.75,
        "max pooling: only the maximum influenced the output, so it alone receives dA",
        ha="left",
        va="center",
        fontsize=11,
    )
    # average pooling: second row
    grid(ax, np.array([[dz]]), 0.5, 4.6, [["#FFE9A8"]], title="dA")
    share = np.full((2, 2), dz / 4)
    grid(ax, share, 5, 4.1, [[ORANGE + "55"] * 2] * 2, title="dA_prev window")
    arrow(ax, (1.8, 5.1), (4.7, 5.1), text="dA / (2·2)")
    ax.text(
        7.6,
        5.1,
        "average pooling: each of the 4 inputs had\nweight 1/4, so each receives a quarter of dA",
        ha="left",
        va="center",
        fontsize=11,
    )
    return fig, "pool_backward.png"


def draw(out_dir: Path) -> list[Path]:
    """Write every figure of the assignment into ``out_dir``."""
    plt.rcParams.update({"font.family": "DejaVu Sans", "svg.hashsalt": "w1a1"})
    out_dir.mkdir(parents=True, exist_ok=True)
    return [save(fig, out_dir / name) for fig, name in (f() for f in FIGURES)]


FIGURES = (zero_padding, sliding_window, pooling, conv_backward, pool_backward)
