"""Draw the figures of the assignment w4a2_neural_style_transfer.

Run from the repository root with ``python -m course_tools figures w4a2_neural_style_transfer``.

The PNG files are written to ``source/w4a2_neural_style_transfer/images/``:

* ``nst_overview.png`` -- the content, style and generated pictures, the frozen network that measures
  them, the two costs and the gradient that changes the generated picture's pixels;
* ``gram.png`` -- a small layer of activations (2 x 3 positions, 3 channels, with integer values),
  unrolled into the matrix A of shape (n_C, n_H n_W), and its Gram matrix A A^T, every number
  computed here;
* ``weights_comparison.png`` -- the notebook's style transfer (same pictures, layers, costs, learning
  rate and steps) run with three sets of weights for the same architecture: the course's trained
  weights, random weights, and random weights rescaled to the same activation sizes (LSUV); the results,
  what ``shared_utils.style_metrics`` measures of them, and the style cost along the way.

The three style transfers take a few minutes on a laptop's processor, and a processor's
floating-point sums need not give the same bits twice, so their results are kept beside the
figures: ``weights_comparison_runs.png`` (the three results side by side) and
``weights_comparison_runs.json`` (the measures and the style costs). The script reuses them when
they are there, which makes drawing fast and exactly repeatable; it runs the style transfers again
when they are missing, or when ``COURSE_FIGURES_RERUN=1`` is set (after retraining the weights).
The PNGs carry no timestamp, so running the script twice gives identical files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from shared_utils import style_metrics
from shared_utils.datasets import style_images

from ..registry import SOURCE
from .diagram import EDGE, SAVE, arrow, box

ASSIGNMENT = "w4a2_neural_style_transfer"
CACHE_DIR = SOURCE / ASSIGNMENT / "images"  # where the style transfers' results are kept
RUNS_PNG = "weights_comparison_runs.png"
RUNS_JSON = "weights_comparison_runs.json"
RERUN_ENV_VAR = "COURSE_FIGURES_RERUN"

# The notebook's settings (section 8 and 9 of the notebook).
SETTINGS = {
    "content": "grace_hopper",
    "style": "swirls",
    "size": 160,
    "steps": 300,
    "learning_rate": 0.02,
    "alpha": 10.0,
    "beta": 40.0,
    "style_layers": [[f"block{b}_conv1", 0.2] for b in range(1, 6)],
    "content_layer": "block5_conv4",
    "noise": 0.25,
    "seed": 0,
    "record_every": 10,
}
RUNS = (  # (weights, title)
    ("course", "trained weights (the course's)"),
    ("random", "random weights"),
    ("lsuv", "random weights, rescaled (LSUV)"),
)
RUN_COLOURS = {"course": "#2B6CB0", "random": "#C44E52", "lsuv": "#DD8452"}
BLUES = "#A9C4EB"


def _pictures(size: int) -> tuple[np.ndarray, np.ndarray]:
    content = style_images.load_image(style_images.content_path(SETTINGS["content"]), (size, size))
    style = style_images.load_image(style_images.style_path(SETTINGS["style"]), (size, size))
    return content, style


# --- the three style transfers ---------------------------------------------------------------------


def style_transfer(weights: str, settings: dict = SETTINGS) -> dict:
    """The notebook's style transfer with the network's ``weights``: the result, its measures and the
    style cost every ``record_every`` steps (costs computed as the notebook defines them)."""
    from shared_utils import runtime
    from shared_utils.pretrained import vgg19_course

    tf = runtime.load_tensorflow()
    import keras

    size = settings["size"]
    content, style = _pictures(size)
    vgg = vgg19_course.load_vgg19((size, size, 3), weights=weights)
    names = [name for name, _ in settings["style_layers"]] + [settings["content_layer"]]
    extract = keras.Model(vgg.input, [vgg.get_layer(name).output for name in names])
    layer_weights = [weight for _, weight in settings["style_layers"]]

    def gram(a):
        x = tf.reshape(a, [-1, a.shape[-1]])
        return tf.matmul(x, x, transpose_a=True)

    def costs(outputs, targets, a_c):
        j_style = 0.0
        for weight, a, target in zip(layer_weights, outputs[:-1], targets, strict=False):
            _, h, w, c = a.shape
            j_style += weight * tf.reduce_sum((target - gram(a)) ** 2) / float(4 * c**2 * (h * w) ** 2)
        _, h, w, c = outputs[-1].shape
        j_content = tf.reduce_sum((a_c - outputs[-1]) ** 2) / float(4 * h * w * c)
        return j_content, j_style

    targets = [gram(a) for a in extract(style)[:-1]]
    a_c = extract(content)[-1]
    rng = np.random.default_rng(settings["seed"])
    noise = rng.uniform(-settings["noise"], settings["noise"], content.shape).astype(np.float32)
    generated = tf.Variable(np.clip(content + noise, 0.0, 1.0))
    optimizer = keras.optimizers.Adam(learning_rate=settings["learning_rate"])

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            j_content, j_style = costs(extract(generated), targets, a_c)
            total = settings["alpha"] * j_content + settings["beta"] * j_style
        optimizer.apply_gradients([(tape.gradient(total, generated), generated)])
        generated.assign(tf.clip_by_value(generated, 0.0, 1.0))

    style_costs = [float(costs(extract(generated), targets, a_c)[1])]
    for i in range(1, settings["steps"] + 1):
        step()
        if i % settings["record_every"] == 0 or i == settings["steps"]:
            style_costs.append(float(costs(extract(generated), targets, a_c)[1]))
    result = generated.numpy()
    return {
        "result": result,
        "style_costs": style_costs,
        "ssim_blurred": style_metrics.ssim(
            style_metrics.gaussian_blur(result, 2.0), style_metrics.gaussian_blur(content, 2.0)
        ),
        "palette": style_metrics.histogram_intersection(result, style),
        "palette_content": style_metrics.histogram_intersection(content, style),
        "style_cost_reduction": style_costs[0] / max(style_costs[-1], 1e-30),
    }


def write_runs(cache_dir: Path, runs: dict[str, dict]) -> None:
    """Store the results of ``style_transfer`` for every weights of RUNS (a dict by weights) in ``cache_dir``."""
    results, measures = [], {}
    for weights, _ in RUNS:
        run = dict(runs[weights])
        results.append(np.round(np.clip(run.pop("result")[0], 0, 1) * 255).astype(np.uint8))
        measures[weights] = {k: [float(x) for x in v] if isinstance(v, list) else float(v) for k, v in run.items()}
    cache_dir.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate(results, axis=1)).save(cache_dir / RUNS_PNG, optimize=True)
    record = {"settings": SETTINGS, "runs": measures}
    (cache_dir / RUNS_JSON).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def _run_all(cache_dir: Path) -> None:
    """Run the three style transfers and store their results and measures in ``cache_dir``."""
    write_runs(cache_dir, {weights: style_transfer(weights) for weights, _ in RUNS})


def _cached_runs(cache_dir: Path = CACHE_DIR) -> tuple[list[np.ndarray], dict]:
    """The three results and their measures, from the cache (run first when missing or asked to)."""
    rerun = os.environ.get(RERUN_ENV_VAR, "") not in {"", "0"}
    if rerun or not (cache_dir / RUNS_PNG).is_file() or not (cache_dir / RUNS_JSON).is_file():
        _run_all(cache_dir)
    record = json.loads((cache_dir / RUNS_JSON).read_text(encoding="utf-8"))
    with Image.open(cache_dir / RUNS_PNG) as opened:
        strip = np.asarray(opened.convert("RGB"))
    size = strip.shape[0]
    results = [strip[:, i * size : (i + 1) * size] for i in range(len(RUNS))]
    return results, record


# --- figures ------------------------------------------------------------------------------------------


def _thumbnail(ax, image, title, fontsize=9.5):
    ax.imshow(np.clip(image, 0, 1) if image.dtype != np.uint8 else image)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=fontsize)


def weights_comparison(path: Path) -> None:
    results, record = _cached_runs()
    runs, settings = record["runs"], record["settings"]
    content, style = _pictures(settings["size"])
    fig = plt.figure(figsize=(13.5, 6.9))
    grid = fig.add_gridspec(2, 4, height_ratios=[1, 1], hspace=0.42, wspace=0.12)
    _thumbnail(fig.add_subplot(grid[0, 0]), content[0], "content image C")
    _thumbnail(fig.add_subplot(grid[1, 0]), style[0], "style image S")
    for i, (weights, title) in enumerate(RUNS):
        ax = fig.add_subplot(grid[0, i + 1])
        _thumbnail(ax, results[i], title, fontsize=10)
        for spine in ax.spines.values():
            spine.set_edgecolor(RUN_COLOURS[weights])
            spine.set_linewidth(3)
        r = runs[weights]
        ax.text(
            0.5,
            -0.05,
            f"structure (SSIM after blur) vs C: {r['ssim_blurred']:.3f}\n"
            f"palette shared with S: {r['palette']:.3f} (C: {r['palette_content']:.3f})\n"
            f"style cost divided by {r['style_cost_reduction']:.1f}",
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=8.5,
        )
    curves = fig.add_axes((0.37, 0.07, 0.6, 0.33))
    for weights, title in RUNS:
        costs = np.asarray(runs[weights]["style_costs"])
        steps = np.minimum(np.arange(len(costs)) * settings["record_every"], settings["steps"])
        curves.plot(steps, costs / costs[0], color=RUN_COLOURS[weights], lw=2, label=title)
    curves.set(
        yscale="log",
        xlabel="step",
        ylabel="style cost / its value at step 0",
        title="The style cost along the way, relative to its start (each network measures with its own scale)",
    )
    curves.title.set_fontsize(10)
    curves.legend(fontsize=9)
    curves.grid(alpha=0.3)
    fig.suptitle(
        f"The same style transfer ({settings['steps']} steps of Adam, learning rate {settings['learning_rate']}, "
        f"{settings['size']} x {settings['size']} pixels) with three sets of weights for one architecture",
        fontsize=11.5,
        y=0.99,
    )
    fig.savefig(path, **{**SAVE, "dpi": 90})  # the noisy pictures compress badly: keep the file small
    plt.close(fig)


def overview(path: Path) -> None:
    """C, S and G, the frozen network, the two costs, and the gradient back to G's pixels."""
    results, record = _cached_runs()
    content, style = _pictures(record["settings"]["size"])
    width, height = 12.5, 6.2
    fig = plt.figure(figsize=(width, height))
    canvas = fig.add_axes((0, 0, 1, 1))
    canvas.set_xlim(0, width)
    canvas.set_ylim(0, height)
    canvas.axis("off")
    pictures = [  # (image, title, bottom of the picture)
        (results[0], "generated image G\n(its pixels are what changes)", 4.1),
        (content[0], "content image C", 2.2),
        (style[0], "style image S", 0.3),
    ]
    for image, title, bottom in pictures:
        ax = fig.add_axes((0.3 / width, bottom / height, 1.3 / width, 1.3 / height))
        ax.imshow(image)
        ax.set_xticks([])
        ax.set_yticks([])
        canvas.text(1.8, bottom + 0.65, title, fontsize=9.5, va="center")
        arrow(canvas, (3.85, bottom + 0.65), (4.5, bottom + 0.65))
    box(
        canvas,
        5.35,
        2.85,
        1.7,
        4.6,
        "the same network,\nfor each picture\n\nVGG19's layers,\nweights frozen",
        "conv",
        9.5,
    )
    box(
        canvas,
        8.0,
        4.15,
        2.4,
        1.1,
        "content cost $J_{content}(C, G)$\nG's and C's activations\nat a deep layer",
        "merge",
        9,
    )
    box(
        canvas, 8.0, 1.45, 2.4, 1.1, "style cost $J_{style}(S, G)$\nG's and S's Gram matrices\nat five layers", "act", 9
    )
    for start, end in (
        ((6.2, 4.75), (6.8, 4.3)),
        ((6.2, 2.85), (6.8, 4.0)),
        ((6.2, 4.6), (6.8, 1.6)),
        ((6.2, 0.95), (6.8, 1.3)),
    ):
        arrow(canvas, start, end)
    box(canvas, 10.95, 2.8, 2.4, 1.0, r"$J(G) = \alpha J_{content} + \beta J_{style}$", "dense", 9.5)
    arrow(canvas, (9.2, 4.15), (10.4, 3.3))
    arrow(canvas, (9.2, 1.45), (10.4, 2.3))
    red = "#C44E52"
    canvas.plot([10.95, 10.95, 0.95], [3.3, 5.8, 5.8], color=red, lw=1.8)
    arrow(canvas, (0.95, 5.8), (0.95, 5.42), colour=red, lw=1.8)
    canvas.text(
        6.0,
        5.9,
        r"gradient descent on the pixels: an Adam step of $G$ down $\partial J / \partial G$, then clip to [0, 1]",
        color=red,
        fontsize=10,
        ha="center",
    )
    fig.savefig(path, **SAVE)
    plt.close(fig)


def gram(path: Path) -> None:
    """A 2 x 3 x 3 layer, its unrolled matrix A (3 x 6) and its Gram matrix A A^T (3 x 3)."""
    activations = np.array(
        [
            [[1, 0, 2], [3, 1, 0], [0, 2, 1]],
            [[2, 1, 0], [1, 0, 1], [0, 3, 2]],
        ]
    )  # (n_H, n_W, n_C) = (2, 3, 3): activations[i, j, k]
    n_H, n_W, n_C = activations.shape
    A = activations.reshape(n_H * n_W, n_C).T  # row k = channel k at every position
    G = A @ A.T
    colours = ["#A9C4EB", "#F6D7A7", "#B8DEC0"]
    width, height = 13.0, 4.3
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    cell = 0.42

    def square(x, y, value, colour):
        ax.add_patch(plt.Rectangle((x, y), cell, cell, facecolor=colour, edgecolor=EDGE, lw=0.8))
        ax.text(x + cell / 2, y + cell / 2, str(value), ha="center", va="center", fontsize=9)

    # The layer: each channel is a 2 x 3 grid of numbers, one per position.
    ax.text(1.55, 3.95, f"a layer: $n_H = {n_H}$, $n_W = {n_W}$, $n_C = {n_C}$", ha="center", fontsize=10.5)
    for k in range(n_C):
        top = 3.35 - k * 1.15
        for i in range(n_H):
            for j in range(n_W):
                square(0.95 + j * cell, top - (i + 1) * cell + cell, activations[i, j, k], colours[k])
        ax.text(0.85, top - cell / 2 + cell / 2, f"channel {k + 1}", ha="right", va="center", fontsize=9)
    arrow(ax, (2.45, 2.2), (3.45, 2.2), lw=1.5)
    ax.text(2.95, 2.35, "unroll", ha="center", fontsize=9.5)

    # A: one row per channel, one column per position (row by row through the layer).
    x0, y0 = 4.6, 1.55
    ax.text(x0 + 3 * cell, 3.95, f"A, of shape $(n_C, n_H n_W) = ({n_C}, {n_H * n_W})$", ha="center", fontsize=10.5)
    for k in range(n_C):
        for p in range(n_H * n_W):
            square(x0 + p * cell, y0 + (n_C - 1 - k) * cell, A[k, p], colours[k])
        ax.text(x0 - 0.1, y0 + (n_C - 1 - k) * cell + cell / 2, f"channel {k + 1}", ha="right", va="center", fontsize=9)
    for p in range(n_H * n_W):
        ax.text(
            x0 + p * cell + cell / 2,
            y0 - 0.2,
            f"{p // n_W + 1},{p % n_W + 1}",
            ha="center",
            fontsize=8,
            color="#444444",
        )
    ax.text(x0 + 3 * cell, y0 - 0.55, "position (row, column)", ha="center", fontsize=9, color="#444444")
    ax.text(
        x0 + 3 * cell,
        0.45,
        "row $k$ holds channel $k$ at every position:\nreshape to $(n_H n_W, n_C)$, then transpose",
        ha="center",
        fontsize=9,
    )
    arrow(ax, (7.55, 2.2), (8.55, 2.2), lw=1.5)
    ax.text(8.05, 2.35, "$A A^T$", ha="center", fontsize=10)

    # G = A A^T.
    x0 = 9.35
    ax.text(x0 + 1.5 * cell + 0.3, 3.95, "$G = A A^T$, of shape $(n_C, n_C)$", ha="center", fontsize=10.5)
    for k in range(n_C):
        for k2 in range(n_C):
            shade = plt.get_cmap("Purples")(0.15 + 0.55 * G[k, k2] / G.max())
            square(x0 + k2 * cell, y0 + (n_C - 1 - k) * cell, G[k, k2], shade)
    ax.text(
        x0 + 1.5 * cell + 0.3,
        0.45,
        f"$G_{{12}}$ = row 1 $\\cdot$ row 2 of A = {G[0, 1]}:\nhow much channels 1 and 2 fire together",
        ha="center",
        fontsize=9,
    )
    fig.savefig(path, **SAVE)
    plt.close(fig)


def draw(out_dir: Path) -> list[Path]:
    """Write every figure of the assignment into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    drawn = [out_dir / "nst_overview.png", out_dir / "gram.png", out_dir / "weights_comparison.png"]
    overview(drawn[0])
    gram(drawn[1])
    weights_comparison(drawn[2])
    return drawn
