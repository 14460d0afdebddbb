"""Draw the figures of the assignment w3a1_car_detection_yolo.

Run from the repository root with ``python -m course_tools figures w3a1_car_detection_yolo``.

The PNG files are written to ``source/w3a1_car_detection_yolo/images/``:

* ``grid.png`` -- a test scene of ``driving`` with the detector's 32 x 24 grid, the true boxes and
  their centres; the cells that hold the centres of two objects are shaded: they are responsible
  for them;
* ``anchors.png`` -- the detector's anchors (read from ``anchors.txt`` beside its weights), drawn
  around the centre of one cell of the scene, and the sizes of the training boxes, each coloured by
  the anchor whose shape it overlaps best (the clusters of the k-means that chose the anchors);
* ``anchor_vector.png`` -- the ten numbers one anchor of one cell predicts, and what ``yolo_head``
  makes of them;
* ``class_scores.png`` -- a box's confidence times its class probabilities gives its class scores,
  the best of which is compared with the threshold (illustrative numbers);
* ``iou.png`` -- two boxes, their intersection and their union, and the ratio computed here;
* ``nms.png`` -- candidate boxes scattered around the true boxes of a test scene, with scores
  (simulated with a seeded generator, not the network's output), and the boxes greedy non-max
  suppression keeps;
* ``street.png`` -- not a drawing: a test scene stored as a PNG file, so that the notebook's "your own
  picture" cell has a file to open before students use theirs.

Nothing is random except the simulated candidates, whose generator is seeded, and the PNGs carry no
timestamp, so running the script twice gives identical files.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedFormatter, FixedLocator, NullFormatter

from shared_utils import paths
from shared_utils.datasets.detection import load_class_names, load_driving
from shared_utils.pretrained import yolo_driving

from .diagram import EDGE, SAVE, arrow, box

SCENE = 24  # a test scene with all five classes
STREET = 49  # the test scene saved as the default picture of the "your own picture" cell
RESPONSIBLE = (8, 7)  # (true box index in SCENE, true box index): objects whose cells are shaded
ANCHOR_CELL = (12, 18)  # (row, column) of the cell whose anchors are drawn
CLASS_COLOURS = ["#E4572E", "#4C9BE8", "#F3A712", "#2BB673", "#B05FD0"]  # car, truck, bus, pedestrian, light
NMS_IOU = 0.5


def _scene():
    test = load_driving("test")
    return test.image(SCENE), test.boxes[SCENE], test.classes[SCENE], test.class_names


def _grid_geometry(image: np.ndarray) -> tuple[int, int, float, float]:
    rows, columns = yolo_driving.GRID
    return rows, columns, image.shape[0] / rows, image.shape[1] / columns


def _outline(ax, corners, colour, lw=1.6, style="-", alpha=1.0):
    y0, x0, y1, x1 = corners
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=colour, lw=lw, ls=style, alpha=alpha))


def _picture_axes(ax, image, title):
    ax.imshow(image, extent=(0, image.shape[1], image.shape[0], 0))
    ax.set_xlim(0, image.shape[1])
    ax.set_ylim(image.shape[0], 0)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


# --- the grid and the responsible cell ------------------------------------------------------------


def grid(path: Path) -> None:
    image, boxes, classes, names = _scene()
    rows, columns, cell_h, cell_w = _grid_geometry(image)
    fig, ax = plt.subplots(figsize=(8.4, 6.6))
    _picture_axes(
        ax,
        image,
        f"A {columns} x {rows} grid over a test scene: each cell is {cell_w:.0f} x {cell_h:.0f} pixels of the scene",
    )
    for r in range(1, rows):
        ax.axhline(r * cell_h, color="white", lw=0.6, alpha=0.7)
    for c in range(1, columns):
        ax.axvline(c * cell_w, color="white", lw=0.6, alpha=0.7)
    for k, (corners, label) in enumerate(zip(boxes, classes, strict=True)):
        colour = CLASS_COLOURS[label]
        y0, x0, y1, x1 = corners
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        highlighted = k in RESPONSIBLE
        _outline(ax, corners, colour, lw=2.2 if highlighted else 1.2, alpha=1.0 if highlighted else 0.8)
        ax.plot(cx, cy, "o", ms=5 if highlighted else 3.5, color=colour, mec="white", mew=0.8)
        if highlighted:
            column, row = int(cx // cell_w), int(cy // cell_h)
            ax.add_patch(
                Rectangle(
                    (column * cell_w, row * cell_h),
                    cell_w,
                    cell_h,
                    facecolor=colour,
                    alpha=0.55,
                    edgecolor="white",
                    lw=1.5,
                )
            )
            ax.annotate(
                f"the {names[label]}'s centre is in cell\n(row {row}, column {column}): this cell is responsible",
                xy=((column + 0.5) * cell_w, row * cell_h),
                xytext=(min(max(cx, 60), image.shape[1] - 60), 22 if k == RESPONSIBLE[0] else 44),
                ha="center",
                fontsize=8,
                color="black",
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": colour, "alpha": 0.92},
                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.2},
            )
    handles = [Rectangle((0, 0), 1, 1, fill=False, edgecolor=c, lw=2) for c in CLASS_COLOURS]
    ax.legend(handles, names, loc="lower right", fontsize=7.5, framealpha=0.9)
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- anchors ----------------------------------------------------------------------------------------


def shape_iou(wh: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """IoU of sizes (n, 2) and anchors (k, 2) compared by shape alone, as if they shared a centre."""
    inter = np.minimum(wh[:, None, 0], anchors[None, :, 0]) * np.minimum(wh[:, None, 1], anchors[None, :, 1])
    return inter / (wh[:, None, 0] * wh[:, None, 1] + anchors[None, :, 0] * anchors[None, :, 1] - inter)


def read_anchor_file() -> np.ndarray:
    """The detector's anchors, (A, 2) widths and heights in grid cells, from the file beside its weights."""
    text = paths.asset(yolo_driving.ANCHORS).read_text(encoding="utf-8")
    numbers = [float(value) for value in text.replace(",", " ").split()]
    return np.asarray(numbers, dtype=np.float64).reshape(-1, 2)


def anchors_figure(path: Path, anchors: np.ndarray | None = None) -> None:
    anchors = read_anchor_file() if anchors is None else np.asarray(anchors, dtype=np.float64)
    image, _, _, _ = _scene()
    rows, columns, cell_h, cell_w = _grid_geometry(image)
    colours = plt.get_cmap("tab10")(np.arange(len(anchors)))
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.5, 4.8), gridspec_kw={"width_ratios": [1.25, 1]})

    _picture_axes(
        left, (0.35 * image + 0.65 * 255).astype(np.uint8), f"The {len(anchors)} anchors, centred on one cell"
    )
    for r in range(1, rows):
        left.axhline(r * cell_h, color="#888888", lw=0.4)
    for c in range(1, columns):
        left.axvline(c * cell_w, color="#888888", lw=0.4)
    row, column = ANCHOR_CELL
    left.add_patch(Rectangle((column * cell_w, row * cell_h), cell_w, cell_h, facecolor="#333333", alpha=0.35))
    cx, cy = (column + 0.5) * cell_w, (row + 0.5) * cell_h
    for k, (w, h) in enumerate(anchors):
        width, height = w * cell_w, h * cell_h
        left.add_patch(
            Rectangle(
                (cx - width / 2, cy - height / 2),
                width,
                height,
                fill=False,
                edgecolor=colours[k],
                lw=2,
                label=f"anchor {k}: {w:.2f} x {h:.2f} cells",
            )
        )
    left.plot(cx, cy, "o", color="black", ms=3)
    left.legend(loc="lower left", fontsize=7.5, framealpha=0.9)

    wh = _training_sizes(cell_w, cell_h)
    nearest = np.argmax(shape_iou(wh, anchors), axis=1)
    for k in range(len(anchors)):
        mine = wh[nearest == k]
        right.scatter(mine[:, 0], mine[:, 1], s=4, color=colours[k], alpha=0.35, lw=0)
        right.plot(*anchors[k], marker="*", ms=15, color=colours[k], mec="black", mew=0.8, ls="none")
        right.annotate(
            f"anchor {k}: {anchors[k, 0]:.2f} x {anchors[k, 1]:.2f}",
            anchors[k],
            xytext=(9, -3),
            textcoords="offset points",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    best = shape_iou(wh, anchors).max(axis=1).mean()
    right.set(
        xscale="log",
        yscale="log",
        xlabel="box width (grid cells)",
        ylabel="box height (grid cells)",
        title=f"{len(wh)} training boxes, coloured by their best anchor\n(mean best IoU of shape: {best:.2f})",
    )
    right.title.set_fontsize(10)
    ticks = [0.25, 0.5, 1, 2, 4, 8, 16]
    for axis in (right.xaxis, right.yaxis):
        axis.set_major_locator(FixedLocator(ticks))
        axis.set_major_formatter(FixedFormatter([f"{t:g}" for t in ticks]))
        axis.set_minor_formatter(NullFormatter())
    right.grid(alpha=0.3, which="major")
    fig.tight_layout()
    fig.savefig(path, **SAVE)
    plt.close(fig)


def _training_sizes(cell_w: float, cell_h: float) -> np.ndarray:
    """(width, height) of every training box, in grid cells."""
    train = load_driving("train")
    boxes = np.concatenate(train.boxes)
    return np.stack([(boxes[:, 3] - boxes[:, 1]) / cell_w, (boxes[:, 2] - boxes[:, 0]) / cell_h], axis=1).astype(
        np.float64
    )


# --- the output of one anchor -----------------------------------------------------------------------


def anchor_vector(path: Path) -> None:
    names = load_class_names()
    rows, columns = yolo_driving.GRID
    fig, ax = plt.subplots(figsize=(11.5, 4.2))
    ax.set_xlim(-0.2, 10.2)
    ax.set_ylim(-0.35, 3.75)
    ax.axis("off")
    labels = ["$t_x$", "$t_y$", "$t_w$", "$t_h$", "$t_o$"] + [name.replace("_", " ") for name in names]
    kinds = ["box"] * 4 + ["object"] + ["class"] * len(names)
    palette = {"box": "#A9C4EB", "object": "#F6D7A7", "class": "#B8DEC0"}
    for i, (label, kind) in enumerate(zip(labels, kinds, strict=True)):
        box(ax, i + 0.5, 2.45, 0.92, 0.62, label, kind, fontsize=9 if kind == "class" else 12, palette=palette)
    for x, text in ((2.0, "the box"), (4.5, "an object?"), (7.5, "one logit per class")):
        ax.text(x, 2.9, text, ha="center", fontsize=9, color=EDGE)
    ax.text(
        5.0,
        3.45,
        f"the output is ({rows}, {columns}, 5 x 10): for each of the {rows} x {columns} cells and each of the "
        f"5 anchors, these {len(labels)} numbers",
        ha="center",
        fontsize=10,
    )
    decoded = [
        (
            2.0,
            f"box: $b_x = (\\sigma(t_x) + c_x) / {columns}$,  $b_y = (\\sigma(t_y) + c_y) / {rows}$\n"
            f"$b_w = p_w\\, e^{{t_w}} / {columns}$,  $b_h = p_h\\, e^{{t_h}} / {rows}$",
            "box",
            3.7,
        ),
        (4.5, "confidence\n$p_o = \\sigma(t_o)$", "object", 1.15),
        (7.5, "class probabilities\n$(p_1, \\dots, p_5) = \\mathrm{softmax}(\\text{logits})$", "class", 4.2),
    ]
    for x, text, kind, width in decoded:
        box(ax, x, 0.55, width, 0.95, text, kind, fontsize=9.5, palette=palette)
    arrow(ax, (2.0, 2.1), (2.0, 1.06))
    arrow(ax, (4.5, 2.1), (4.5, 1.06))
    arrow(ax, (7.5, 2.1), (7.5, 1.06))
    ax.text(5.0, 1.55, "yolo_head", ha="center", fontsize=9, family="monospace", color=EDGE)
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- class scores -----------------------------------------------------------------------------------


def class_scores(path: Path) -> None:
    names = [name.replace("_", " ") for name in load_class_names()]
    confidence = 0.9
    probabilities = np.array([0.76, 0.12, 0.06, 0.04, 0.02])
    scores = confidence * probabilities
    threshold = 0.6
    best = int(np.argmax(scores))
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4), gridspec_kw={"width_ratios": [0.45, 1, 1]})
    axes[0].bar([0], [confidence], color="#F6D7A7", edgecolor=EDGE)
    axes[0].set(xticks=[0], xticklabels=["$p_o$"], ylim=(0, 1.05), title="confidence")
    axes[0].text(0, confidence + 0.03, f"{confidence:.2f}", ha="center", fontsize=9)
    axes[1].bar(names, probabilities, color="#B8DEC0", edgecolor=EDGE)
    axes[1].set(ylim=(0, 1.05), title="class probabilities $p_k$ (they add up to 1)")
    colours = ["#E4572E" if k == best else "#DDDDDD" for k in range(len(names))]
    axes[2].bar(names, scores, color=colours, edgecolor=EDGE)
    axes[2].axhline(threshold, color="black", ls="--", lw=1)
    axes[2].text(len(names) - 0.5, threshold + 0.02, f"threshold {threshold}", ha="right", fontsize=8)
    axes[2].set(ylim=(0, 1.05), title="class scores $p_o \\cdot p_k$")
    for ax, values in ((axes[1], probabilities), (axes[2], scores)):
        for k, value in enumerate(values):
            ax.text(k, value + 0.02, f"{value:.3g}", ha="center", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
    axes[2].annotate(
        f"best: {names[best]}, {scores[best]:.3g} >= {threshold}: kept",
        xy=(best, scores[best]),
        xytext=(1.6, 0.9),
        fontsize=8.5,
        arrowprops={"arrowstyle": "-|>", "lw": 1},
    )
    fig.tight_layout(w_pad=3.0)
    for left, right, sign in ((axes[0], axes[1], "x"), (axes[1], axes[2], "=")):
        x = (left.get_position().x1 + right.get_position().x0) / 2
        fig.text(x, 0.5, sign, fontsize=18, ha="center", va="center")
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- intersection over union --------------------------------------------------------------------------


def _area(b) -> float:
    return (b[2] - b[0]) * (b[3] - b[1])


def iou_figure(path: Path) -> None:
    first, second = (1.0, 1.0, 5.0, 4.0), (3.0, 2.0, 7.0, 6.0)  # (x1, y1, x2, y2), origin top-left
    inter = (max(first[0], second[0]), max(first[1], second[1]), min(first[2], second[2]), min(first[3], second[3]))
    inter_area = max(inter[2] - inter[0], 0) * max(inter[3] - inter[1], 0)
    union_area = _area(first) + _area(second) - inter_area
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.9))
    titles = [
        "box A and box B",
        f"intersection: {inter[2] - inter[0]:g} x {inter[3] - inter[1]:g} = {inter_area:g}",
        f"union: {_area(first):g} + {_area(second):g} - {inter_area:g} = {union_area:g}",
    ]
    for i, ax in enumerate(axes):
        for b, colour, name in ((first, "#4C9BE8", "A"), (second, "#E4572E", "B")):
            fill = i == 2
            ax.add_patch(
                Rectangle(
                    (b[0], b[1]),
                    b[2] - b[0],
                    b[3] - b[1],
                    facecolor="#C9A0DC" if fill else "none",
                    edgecolor=colour,
                    lw=2,
                )
            )
            if i == 0:
                ax.text(
                    b[0] + 0.15,
                    b[1] + 0.2,
                    f"{name} = {tuple(int(v) for v in b)}",
                    color=colour,
                    fontsize=8.5,
                    va="top",
                )
        if i == 1:
            ax.add_patch(
                Rectangle(
                    (inter[0], inter[1]),
                    inter[2] - inter[0],
                    inter[3] - inter[1],
                    facecolor="#C9A0DC",
                    edgecolor="black",
                    lw=1.2,
                )
            )
            ax.text(inter[0] + 0.1, inter[1] - 0.1, f"({inter[0]:g}, {inter[1]:g})", fontsize=8, va="bottom")
            ax.text(inter[2] + 0.1, inter[3] + 0.1, f"({inter[2]:g}, {inter[3]:g})", fontsize=8, va="top")
        ax.set(xlim=(0, 8), ylim=(7, 0), aspect="equal", title=titles[i])
        ax.title.set_fontsize(10)
        ax.set_xticks(range(9))
        ax.set_yticks(range(8))
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.25)
        ax.xaxis.tick_top()
    fig.suptitle(
        f"IoU(A, B) = intersection / union = {inter_area:g} / {union_area:g} = {inter_area / union_area:.3f}"
        "        (x to the right, y downwards, origin at the top-left)",
        y=0.02,
        fontsize=10.5,
    )
    fig.tight_layout()
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- non-max suppression ----------------------------------------------------------------------------


def _box_iou(a: np.ndarray, b: np.ndarray) -> float:
    inter = max(min(a[2], b[2]) - max(a[0], b[0]), 0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0)
    return float(inter / (_area(a) + _area(b) - inter))


def greedy_nms(scores: np.ndarray, boxes: np.ndarray, iou_threshold: float) -> list[int]:
    """Indices of the boxes greedy non-max suppression keeps, best score first."""
    left, kept = list(np.argsort(-scores, kind="stable")), []
    while left:
        best = left.pop(0)
        kept.append(int(best))
        left = [i for i in left if _box_iou(boxes[best], boxes[i]) <= iou_threshold]
    return kept


def simulated_candidates(boxes: np.ndarray, classes: np.ndarray, seed: int = 3):
    """Candidate boxes scattered around each true box, as a detector proposes them, with scores."""
    rng = np.random.default_rng(seed)
    out_boxes, out_scores, out_classes = [], [], []
    for corners, label in zip(boxes, classes, strict=True):
        y0, x0, y1, x1 = corners
        h, w = y1 - y0, x1 - x0
        best = rng.uniform(0.7, 0.95)
        for j in range(int(rng.integers(3, 6))):
            jitter = rng.normal(0, 0.1, 4) * [h, w, h, w] if j else np.zeros(4)
            out_boxes.append([y0, x0, y1, x1] + jitter)
            out_scores.append(best if j == 0 else best * rng.uniform(0.55, 0.95))
            out_classes.append(label)
    return np.asarray(out_scores), np.asarray(out_boxes), np.asarray(out_classes)


def nms_figure(path: Path) -> None:
    image, boxes, classes, names = _scene()
    scores, candidates, labels = simulated_candidates(boxes, classes)
    kept = greedy_nms(scores, candidates, NMS_IOU)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.7))
    _picture_axes(axes[0], image, f"before: {len(scores)} candidate boxes with a high class score (simulated)")
    _picture_axes(axes[1], image, f"after non-max suppression (IoU threshold {NMS_IOU}): {len(kept)} boxes")
    for i in range(len(scores)):
        _outline(axes[0], candidates[i], CLASS_COLOURS[labels[i]], lw=1.0, alpha=0.9)
    for i in kept:
        _outline(axes[1], candidates[i], CLASS_COLOURS[labels[i]], lw=1.8)
        axes[1].text(
            candidates[i][1] + 1,
            candidates[i][0] - 1,
            f"{scores[i]:.2f}",
            color="white",
            fontsize=6.5,
            va="bottom",
            bbox={"boxstyle": "square,pad=0.1", "fc": CLASS_COLOURS[labels[i]], "ec": "none"},
        )
    fig.tight_layout()
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- the default picture of the "your own picture" cell -----------------------------------------------


def street(path: Path, index: int = STREET) -> None:
    """Save test scene ``index`` (256 x 192 RGB) as a PNG, unchanged."""
    from PIL import Image

    Image.fromarray(load_driving("test").image(index)).save(path)


def draw(out_dir: Path) -> list[Path]:
    """Write every figure of the assignment into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    grid(out_dir / "grid.png")
    anchors_figure(out_dir / "anchors.png")
    anchor_vector(out_dir / "anchor_vector.png")
    class_scores(out_dir / "class_scores.png")
    iou_figure(out_dir / "iou.png")
    nms_figure(out_dir / "nms.png")
    street(out_dir / "street.png")
    return sorted(out_dir.glob("*.png"))
