"""Draw the figures of the assignment w4a1_face_recognition.

Run from the repository root with ``python -m course_tools figures w4a1_face_recognition``.

The PNG files are written to ``source/w4a1_face_recognition/images/``:

* ``verify_recognize.png`` -- face verification (one claimed name, one comparison, yes or no) next
  to face recognition (one comparison per person of the database, the nearest one or nobody), with
  pictures of the ``faces`` dataset;
* ``pipeline.png`` -- two pictures go through the same network (the same weights), each becomes
  128 numbers, and the distance between the two encodings is compared with a threshold (the
  encodings are drawn as illustrative stripes, not computed by the network);
* ``triplet.png`` -- an anchor, a positive (another picture of the same person) and a negative
  (someone else), the two distances the triplet loss compares, and what training does to them.

Only pictures of the dataset and seeded illustrative numbers are drawn, and the PNGs carry no
timestamp, so running the script twice gives identical files.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from shared_utils.datasets import faces

from .diagram import EDGE, SAVE, arrow, box

CLAIMED = "kira"  # the person who says who she is in the verification panel
GALLERY = 12  # database pictures shown in the recognition panel
TRIPLET = (("h0003", 0), ("h0003", 5), ("h0008", 2))  # (person, picture) of anchor, positive, negative
PAIR = (("h0012", 1), ("h0012", 6))  # the two pictures of the pipeline
SAME = "#2E86AB"
DIFFERENT = "#E4572E"


def _heldout(person: str, k: int) -> np.ndarray:
    return faces.load_image(faces.identity_paths("heldout", person)[k])


def _picture(ax, image: np.ndarray, x: float, y: float, size: float, title: str = "", colour: str = EDGE) -> None:
    """``image`` drawn as a square of side ``size`` centred at (x, y), with a frame and a title above."""
    half = size / 2
    ax.imshow(image, extent=(x - half, x + half, y - half, y + half), zorder=2)
    ax.plot(
        [x - half, x + half, x + half, x - half, x - half],
        [y - half, y - half, y + half, y + half, y - half],
        color=colour,
        lw=1.4,
        zorder=3,
    )
    if title:
        ax.text(x, y + half + 0.08, title, ha="center", va="bottom", fontsize=9)


def _canvas(width: float, height: float, inches: tuple[float, float]):
    fig, ax = plt.subplots(figsize=inches)
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _camera_picture_of(name: str) -> str:
    return next(path for path, who in faces.camera_pictures() if who == name)


# --- verification and recognition ----------------------------------------------------------------


def verify_recognize(path: Path) -> None:
    database = faces.database_paths()
    camera = faces.load_image(_camera_picture_of(CLAIMED))
    fig, ax = _canvas(13.8, 5.4, (13.8, 5.4))
    # Verification: one claim, one comparison.
    ax.text(2.6, 5.15, "Face verification (1 : 1)", ha="center", fontsize=12, weight="bold")
    ax.text(2.6, 4.75, f'"I am {CLAIMED}"', ha="center", fontsize=10, style="italic")
    _picture(ax, camera, 1.0, 3.2, 1.6, "the camera's picture")
    _picture(ax, faces.load_image(database[CLAIMED]), 4.2, 3.2, 1.6, f"{CLAIMED} in the database")
    arrow(ax, (1.9, 3.2), (3.3, 3.2))
    arrow(ax, (3.3, 3.2), (1.9, 3.2))
    ax.text(2.6, 3.35, "distance", ha="center", va="bottom", fontsize=9)
    box(
        ax,
        2.6,
        1.35,
        3.6,
        0.75,
        "distance < threshold ?\nyes: the door opens    no: it stays closed",
        "input",
        colour="#EAF2F8",
    )
    arrow(ax, (2.6, 2.95), (2.6, 1.75))
    ax.text(2.6, 0.45, "one comparison: is this the person they claim to be?", ha="center", fontsize=9)
    ax.plot([5.6, 5.6], [0.2, 5.3], color="#BBBBBB", lw=1.0)
    # Recognition: compare with everyone.
    ax.text(9.9, 5.15, "Face recognition (1 : K)", ha="center", fontsize=12, weight="bold")
    ax.text(9.9, 4.75, "no name given", ha="center", fontsize=10, style="italic")
    _picture(ax, camera, 6.6, 2.9, 1.6, "the camera's picture")
    names = list(database)[:GALLERY]
    columns, size = 6, 0.85
    for k, name in enumerate(names):
        x, y = 8.25 + (k % columns) * 1.0, 3.85 - (k // columns) * 1.25
        nearest = name == CLAIMED
        _picture(ax, faces.load_image(database[name]), x, y, size, colour=SAME if nearest else EDGE)
        ax.text(
            x,
            y - size / 2 - 0.05,
            name,
            ha="center",
            va="top",
            fontsize=8,
            color=SAME if nearest else "black",
            weight="bold" if nearest else "normal",
        )
    arrow(ax, (7.5, 2.9), (7.8, 3.4))
    arrow(ax, (7.5, 2.9), (7.8, 2.4))
    box(
        ax,
        10.75,
        1.0,
        4.4,
        0.75,
        'the nearest person, if the distance < threshold;\notherwise "not in the database"',
        "input",
        colour="#EAF2F8",
    )
    ax.text(10.75, 0.25, f"{len(names)} comparisons: who is it, if anyone?", ha="center", fontsize=9)
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- the encode-and-compare pipeline ---------------------------------------------------------------


def _stripe(ax, values: np.ndarray, x: float, y: float, width: float, height: float) -> None:
    """128 numbers as a row of coloured cells."""
    ax.imshow(
        values[None, :],
        extent=(x - width / 2, x + width / 2, y - height / 2, y + height / 2),
        cmap="RdBu_r",
        vmin=-0.25,
        vmax=0.25,
        aspect="auto",
        zorder=2,
    )
    ax.add_patch(plt.Rectangle((x - width / 2, y - height / 2), width, height, fill=False, ec=EDGE, lw=1.0, zorder=3))


def pipeline(path: Path) -> None:
    rng = np.random.default_rng(7)
    first = rng.normal(0, 1, 128)
    second = first + rng.normal(0, 0.45, 128)
    encodings = [v / np.linalg.norm(v) for v in (first, second)]
    fig, ax = _canvas(12.4, 4.4, (12.4, 4.4))
    for row, ((person, k), encoding, name) in enumerate(zip(PAIR, encodings, ("x^{(1)}", "x^{(2)}"), strict=True)):
        y = 3.3 - row * 2.2
        _picture(ax, _heldout(person, k), 0.9, y, 1.3, f"${name}$")
        box(ax, 3.3, y, 1.9, 0.9, "the same CNN\n(the same weights)", "conv")
        arrow(ax, (1.6, y), (2.35, y))
        arrow(ax, (4.25, y), (5.0, y))
        _stripe(ax, encoding, 6.75, y, 3.4, 0.35)
        ax.text(6.75, y + 0.3, f"$f({name})$: 128 numbers, length 1", ha="center", va="bottom", fontsize=9)
    ax.text(
        3.3,
        2.2,
        "a siamese network:\none network, used twice",
        ha="center",
        va="center",
        fontsize=8,
        color="#555555",
        style="italic",
    )
    box(
        ax,
        10.3,
        2.2,
        3.2,
        1.3,
        "$d = \\|f(x^{(1)}) - f(x^{(2)})\\|_2$\n\n$d <$ threshold: the same person\n$d \\geq$ threshold: two people",
        "input",
        colour="#EAF2F8",
        fontsize=9,
    )
    arrow(ax, (8.5, 3.3), (8.7, 2.6))
    arrow(ax, (8.5, 1.1), (8.7, 1.8))
    ax.text(
        6.75,
        0.05,
        "(the stripes are illustrative numbers, not the network's output)",
        ha="center",
        fontsize=7,
        color="#777777",
    )
    fig.savefig(path, **SAVE)
    plt.close(fig)


# --- the triplet ---------------------------------------------------------------------------------


def triplet(path: Path) -> None:
    (a_person, a_k), (p_person, p_k), (n_person, n_k) = TRIPLET
    fig, ax = _canvas(11.0, 4.6, (11.0, 4.6))
    anchor, positive, negative = (2.0, 2.6), (5.6, 3.5), (5.6, 1.2)
    _picture(ax, _heldout(a_person, a_k), *anchor, 1.5, "anchor $A$")
    _picture(ax, _heldout(p_person, p_k), *positive, 1.2, "positive $P$: the same person", colour=SAME)
    _picture(ax, _heldout(n_person, n_k), *negative, 1.2, "negative $N$: someone else", colour=DIFFERENT)
    arrow(ax, (2.8, 2.9), (4.95, 3.4), colour=SAME, lw=1.6)
    arrow(ax, (2.8, 2.3), (4.95, 1.3), colour=DIFFERENT, lw=1.6)
    ax.text(3.7, 3.55, "$\\|f(A) - f(P)\\|^2$\nmust become small", ha="center", fontsize=9, color=SAME)
    ax.text(3.6, 1.15, "$\\|f(A) - f(N)\\|^2$\nmust become large", ha="center", fontsize=9, color=DIFFERENT)
    box(
        ax,
        8.9,
        2.35,
        3.7,
        2.3,
        "training asks for\n\n$\\|f(A) - f(P)\\|^2 + \\alpha \\;\\leq\\; \\|f(A) - f(N)\\|^2$"
        "\n\nthe margin $\\alpha$ keeps a gap\nbetween the two distances",
        "input",
        colour="#F4F6F7",
        fontsize=9,
    )
    fig.savefig(path, **SAVE)
    plt.close(fig)


def draw(out_dir: Path) -> list[Path]:
    """Write every figure of the assignment into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    verify_recognize(out_dir / "verify_recognize.png")
    pipeline(out_dir / "pipeline.png")
    triplet(out_dir / "triplet.png")
    return sorted(out_dir.glob("*.png"))
