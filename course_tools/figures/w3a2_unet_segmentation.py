"""Draw the figures of the assignment w3a2_unet_segmentation.

Run from the repository root with ``python -m course_tools figures w3a2_unet_segmentation``.

The PNG files are written to ``source/w3a2_unet_segmentation/images/``:

* ``three_tasks.png`` -- one driving scene three ways: a label for the whole picture
  (classification), boxes around objects (detection) and a class for every pixel (semantic
  segmentation).  The scene, its boxes and its mask come from the dataset's generator
  (``course_tools.recipes.data.driving``), drawn at twice the dataset's size for clarity;
* ``cnn_vs_unet.png`` -- a classification network that shrinks a picture to one label, next to
  the U-Net, which shrinks it and grows it back to one label per pixel, with skip connections;
* ``transposed_convolution.png`` -- how a 3 x 3 transposed convolution with stride 2 doubles a
  2 x 2 input: every input value paints a scaled copy of the kernel, overlaps add up, and
  ``padding="same"`` keeps the first 4 x 4 outputs;
* ``unet.png`` -- the U-Net of the assignment for a 96 x 128 x 3 picture, ``n_filters = 32`` and
  10 classes, with the shape after every block (computed from the layer arithmetic, not Keras).

Nothing is random (the scene is one fixed scene of the generator) and the PNGs carry no timestamp,
so running the script twice gives identical files.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch, Rectangle

from shared_utils.datasets.segmentation import CLASS_COLOURS, CLASSES

from .diagram import EDGE, LAYER_COLOURS, SAVE, SHORTCUT, arrow
from .diagram import box as _box

COLOURS = {**LAYER_COLOURS, "encoder": "#A9C4EB", "bottom": "#8FB3E0", "decoder": "#F6D7A7", "head": "#F4B6A8"}
box = partial(_box, palette=COLOURS)

SCENE = (3202, 7)  # (seed, index): a scene of the test set's generator with cars, people and lights
INPUT = (96, 128, 3)
N_FILTERS = 32
N_CLASSES = len(CLASSES)


# --- one scene, three tasks ---------------------------------------------------------------------


def three_tasks(path: Path) -> None:
    from course_tools.recipes.data import driving

    seed, index = SCENE
    scene = driving.stored_scene(seed, index, (256, 192))
    fig, axes = plt.subplots(1, 3, figsize=(12.0, 3.6))
    for ax in axes:
        ax.imshow(scene.image)
        ax.set_xticks([])
        ax.set_yticks([])
    counts = {}
    for name, *_ in scene.boxes:
        counts[name] = counts.get(name, 0) + 1
    axes[0].set_title("classification: one label per picture", fontsize=10)
    axes[0].text(
        6,
        14,
        "“a street with traffic”",
        fontsize=10,
        color="black",
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
    )
    axes[1].set_title("detection: a box and a class per object", fontsize=10)
    box_colours = {"car": "#1f4fd8", "truck": "#1f4fd8", "bus": "#1f4fd8", "pedestrian": "#e61e32"}
    for name, x0, y0, x1, y1 in scene.boxes:
        colour = box_colours.get(name, "#ff9600")
        axes[1].add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, edgecolor=colour, lw=1.4))
        axes[1].text(x0, y0 - 2, name.replace("_", " "), fontsize=6, color=colour, va="bottom")
    table = np.asarray(CLASS_COLOURS, dtype=np.uint8)
    axes[2].imshow(table[scene.mask], interpolation="nearest")
    axes[2].set_title("semantic segmentation: a class per pixel", fontsize=10)
    handles = [
        Patch(facecolor=np.asarray(colour) / 255.0, edgecolor="#444444", label=name)
        for name, colour in zip(CLASSES, CLASS_COLOURS, strict=True)
    ]
    fig.legend(handles=handles, loc="lower center", ncol=10, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- a classifier next to the U-Net ----------------------------------------------------------------


def _slab(ax, x, y, width, height, colour, text=None, fontsize=8):
    """A layer's tensor as a rectangle centred at (x, y): taller = larger picture, wider = more channels."""
    ax.add_patch(Rectangle((x - width / 2, y - height / 2), width, height, facecolor=colour, edgecolor=EDGE, lw=0.9))
    if text:
        ax.text(x, y - height / 2 - 0.12, text, ha="center", va="top", fontsize=fontsize)


def cnn_vs_unet(path: Path) -> None:
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11.0, 7.4), gridspec_kw={"height_ratios": [1.0, 1.55]})
    # A classifier: the picture shrinks, the channels grow, a vector, one label.
    sizes = [
        (0.25, 2.4, "input\n96×128×3"),
        (0.35, 1.6, "48×64×32"),
        (0.5, 1.0, "24×32×64"),
        (0.7, 0.6, "12×16×128"),
    ]
    x = 0.0
    for index, (width, height, text) in enumerate(sizes):
        _slab(top, x, 0.0, width, height, COLOURS["input" if index == 0 else "encoder"], text)
        if index:
            arrow(top, (x - 1.6 + sizes[index - 1][0] / 2, 0.0), (x - width / 2, 0.0))
        x += 1.6
    _slab(top, x, 0.0, 0.25, 1.8, COLOURS["dense"], "flatten,\ndense")
    arrow(top, (x - 1.6 + sizes[-1][0] / 2, 0.0), (x - 0.125, 0.0))
    box(top, x + 1.5, 0.0, 1.3, 0.6, "“vehicle”", "head", fontsize=10)
    arrow(top, (x + 0.125, 0.0), (x + 0.85, 0.0))
    top.set_title(
        "A classification network: pooling shrinks the picture until one label is left for all of it",
        fontsize=11,
    )
    top.set_xlim(-0.8, x + 2.6)
    top.set_ylim(-2.0, 1.4)
    top.set_aspect("equal")
    top.axis("off")

    # The U-Net: the same shrinking path, then a path that grows back, with the skip connections.
    levels = [
        (2.4, 0.3, "96×128"),
        (1.6, 0.4, "48×64"),
        (1.05, 0.55, "24×32"),
        (0.7, 0.75, "12×16"),
        (0.45, 1.0, "6×8"),
    ]
    step = 1.7
    xs_down = [i * step for i in range(5)]
    ys = [0.0, -0.55, -1.05, -1.45, -1.75]
    for level, (height, width, size) in enumerate(levels):
        colour = COLOURS["bottom" if level == 4 else "encoder"]
        _slab(bottom, xs_down[level], ys[level], width, height, colour, size if level in (0, 4) else None)
        if level:
            arrow(
                bottom,
                (xs_down[level - 1] + levels[level - 1][1] / 2, ys[level - 1]),
                (xs_down[level] - width / 2, ys[level]),
            )
    for level in range(3, -1, -1):
        height, width, _ = levels[level]
        x_up = xs_down[-1] + (4 - level) * step
        _slab(bottom, x_up, ys[level], width, height, COLOURS["decoder"])
        previous_x = xs_down[-1] + (3 - level) * step
        previous_w = levels[level + 1][1]
        arrow(bottom, (previous_x + previous_w / 2, ys[level + 1]), (x_up - width / 2, ys[level]), colour="#B8860B")
        # skip connection: from the encoder's tensor at this level to the decoder's
        bottom.annotate(
            "",
            xy=(x_up - width / 2, ys[level] + height / 2 - 0.12),
            xytext=(xs_down[level] + levels[level][1] / 2, ys[level] + height / 2 - 0.12),
            arrowprops={"arrowstyle": "-|>", "color": SHORTCUT, "lw": 1.2, "linestyle": "--"},
        )
    x_last = xs_down[-1] + 4 * step
    _slab(bottom, x_last + 1.2, ys[0], 0.3, levels[0][0], COLOURS["head"], "96×128×10\none score per\nclass and pixel")
    arrow(bottom, (x_last + levels[0][1] / 2, ys[0]), (x_last + 1.05, ys[0]))
    bottom.text(
        xs_down[2], ys[4] - 1.0, "contracting path (encoder):\nconvolutions and pooling", ha="center", fontsize=9
    )
    bottom.text(
        xs_down[-1] + 2 * step,
        ys[4] - 1.0,
        "expanding path (decoder):\ntransposed convolutions and convolutions",
        ha="center",
        fontsize=9,
    )
    bottom.text(
        xs_down[-1],
        ys[0] + 1.55,
        "skip connections: the encoder's detailed maps are concatenated to the decoder's",
        ha="center",
        fontsize=9,
        color=SHORTCUT,
    )
    bottom.set_title("The U-Net: it shrinks the picture, then grows it back to a label for every pixel", fontsize=11)
    bottom.set_xlim(-0.8, x_last + 2.0)
    bottom.set_ylim(ys[4] - 1.3, ys[0] + 1.9)
    bottom.set_aspect("equal")
    bottom.axis("off")
    fig.tight_layout()
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- the transposed convolution --------------------------------------------------------------------


def transposed_convolution(path: Path) -> None:
    """A 2 x 2 input, a 3 x 3 kernel, stride 2: each input cell paints its copy of the kernel."""
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    full = np.zeros((5, 5))
    for i in range(2):
        for j in range(2):
            full[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] += x[i, j] * w
    input_colours = ["#E06666", "#6FA8DC", "#93C47D", "#F6B26B"]
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.8), gridspec_kw={"width_ratios": [1.0, 1.3, 2.1]})

    def grid(ax, values, x0, y0, colours=None, hatch_from=None, fontsize=11):
        rows, cols = values.shape
        for r in range(rows):
            for c in range(cols):
                face = colours[r][c] if colours is not None else "white"
                cropped = hatch_from is not None and (r >= hatch_from or c >= hatch_from)
                ax.add_patch(
                    Rectangle(
                        (x0 + c, y0 - r - 1),
                        1,
                        1,
                        facecolor="#EEEEEE" if cropped else face,
                        edgecolor=EDGE,
                        hatch="///" if cropped else None,
                        lw=1.0,
                    )
                )
                ax.text(x0 + c + 0.5, y0 - r - 0.5, f"{values[r, c]:g}", ha="center", va="center", fontsize=fontsize)

    grid(axes[0], x, 0, 2, colours=[input_colours[:2], input_colours[2:]])
    axes[0].set_title("input: 2 × 2", fontsize=10)
    grid(axes[1], w, 0, 3)
    axes[1].set_title("kernel: 3 × 3", fontsize=10)

    # The output: each cell coloured by the input values that reach it (several: overlap, summed).
    reach = [[[] for _ in range(5)] for _ in range(5)]
    for i in range(2):
        for j in range(2):
            for r in range(3):
                for c in range(3):
                    if w[r, c]:
                        reach[2 * i + r][2 * j + c].append(input_colours[2 * i + j])
    colours = [[(cell[0] if len(cell) == 1 else "#D9D2E9" if cell else "white") for cell in row] for row in reach]
    grid(axes[2], full, 0, 5, colours=colours, hatch_from=4)
    axes[2].set_title(
        "output: each input value × the kernel, placed every 2 cells;\n"
        "overlaps add up (lilac); 'same' keeps 4 × 4 (hatched: cropped)",
        fontsize=10,
    )
    for ax, (width, height) in zip(axes, [(2, 2), (3, 3), (5, 5)], strict=True):
        ax.set_xlim(-0.2, width + 0.2)
        ax.set_ylim(-0.2, height + 0.2)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.suptitle("A transposed convolution with stride 2 doubles the height and the width", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- the U-Net of the assignment -----------------------------------------------------------------


def unet_shapes(input_size=INPUT, n_filters=N_FILTERS, n_classes=N_CLASSES) -> dict:
    """The shape of one example after every block of unet_model, from the layer arithmetic alone."""
    height, width, _ = input_size
    encoder = []
    for level in range(5):
        factor = 2**level
        encoder.append((height // factor, width // factor, n_filters * factor))
    decoder = [(height // 2**level, width // 2**level, n_filters * 2**level) for level in (3, 2, 1, 0)]
    return {"encoder": encoder, "decoder": decoder, "output": (height, width, n_classes)}


def _shape(shape) -> str:
    return "×".join(str(n) for n in shape)


def unet(path: Path) -> None:
    shapes = unet_shapes()
    n = N_FILTERS
    w, h = 2.5, 1.05
    dy = 1.55
    x_enc, x_dec = 0.0, 9.6
    fig, ax = plt.subplots(figsize=(12.5, 8.6))
    box(ax, x_enc, 1.6, w, 0.65, f"input  {_shape(INPUT)}", "input", fontsize=9)
    arrow(ax, (x_enc, 1.6 - 0.325), (x_enc, h / 2))
    for level, shape in enumerate(shapes["encoder"]):
        y = -level * dy
        extra = ", dropout 0.3" if level >= 3 else ""
        filters = "n" if level == 0 else f"{2**level}n"
        name = f"conv_block {level + 1}\n{filters} filters{extra}\n{_shape(shape)}"
        box(ax, x_enc, y, w, h, name, "bottom" if level == 4 else "encoder", fontsize=8.5)
        if level < 4:
            arrow(ax, (x_enc, y - h / 2), (x_enc, y - dy + h / 2))
            after = (shape[0] // 2, shape[1] // 2, shape[2])
            ax.text(x_enc + 0.1, y - dy / 2, f"MaxPooling2D 2×2 → {_shape(after)}", fontsize=7.5, va="center")
    ax.text(x_enc - w / 2 - 0.25, -4.0 * dy, "no pooling", fontsize=7.5, va="center", ha="right")
    # decoder blocks, bottom to top, each joined to the skip of the encoder block at its level
    y_previous = -4 * dy
    for number, (level, shape) in enumerate(zip((3, 2, 1, 0), shapes["decoder"], strict=True)):
        y = -level * dy
        filters = "n" if level == 0 else f"{2**level}n"
        text = (
            f"upsampling_block {number + 1}\nConv2DTranspose {filters}, 3×3, stride 2\n"
            f"concatenate with skip → {2 * shape[2]} ch.\n2 × Conv2D {filters} → {_shape(shape)}"
        )
        box(ax, x_dec, y, w + 1.1, h + 0.3, text, "decoder", fontsize=8)
        if number == 0:  # from the bottom block across, then up into the first decoder block
            ax.plot([x_enc + w / 2, x_dec], [-4 * dy, -4 * dy], color="#B8860B", lw=1.1)
            arrow(ax, (x_dec, -4 * dy), (x_dec, y - (h + 0.3) / 2), colour="#B8860B")
        else:
            arrow(ax, (x_dec, y_previous + (h + 0.3) / 2), (x_dec, y - (h + 0.3) / 2), colour="#B8860B")
        y_previous = y
        skip_shape = shapes["encoder"][level]
        arrow(ax, (x_enc + w / 2, y + 0.2), (x_dec - (w + 1.1) / 2, y + 0.2), colour=SHORTCUT)
        ax.text(
            (x_enc + x_dec) / 2,
            y + 0.3,
            f"skip connection {_shape(skip_shape)} (before pooling)",
            fontsize=7.5,
            color=SHORTCUT,
            ha="center",
            va="bottom",
        )
    head_y = 1.6
    head = f"Conv2D n, 3×3, ReLU → {_shape(shapes['decoder'][-1])}\nConv2D {N_CLASSES}, 1×1, no activation"
    box(ax, x_dec, head_y, w + 1.1, 0.85, head, "head", fontsize=8)
    arrow(ax, (x_dec, (h + 0.3) / 2), (x_dec, head_y - 0.425), colour="#B8860B")
    box(ax, x_dec, head_y + 1.05, w + 1.1, 0.55, f"logits {_shape(shapes['output'])}", "input", fontsize=9)
    arrow(ax, (x_dec, head_y + 0.425), (x_dec, head_y + 0.775), colour="#B8860B")
    ax.text(
        x_enc - w / 2,
        -4 * dy - 1.1,
        f"n = n_filters = {n}. Every Conv2D of the blocks: 3×3, padding 'same', ReLU, he_normal. "
        "Shapes are (height × width × channels) of one example.",
        fontsize=8,
        color="#666666",
    )
    ax.set_title(
        f"unet_model(input_size={INPUT}, n_filters={n}, n_classes={N_CLASSES}): "
        "a contracting path, an expanding path, four skip connections",
        fontsize=11,
    )
    ax.set_xlim(x_enc - w / 2 - 1.3, x_dec + (w + 1.1) / 2 + 0.2)
    ax.set_ylim(-4 * dy - 1.4, head_y + 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.savefig(path, **SAVE)
    plt.close(fig)


def draw(out_dir: Path) -> list[Path]:
    """Write every figure of the assignment into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    three_tasks(out_dir / "three_tasks.png")
    cnn_vs_unet(out_dir / "cnn_vs_unet.png")
    transposed_convolution(out_dir / "transposed_convolution.png")
    unet(out_dir / "unet.png")
    return sorted(out_dir.glob("*.png"))
