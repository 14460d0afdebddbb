"""Pictures and curves of the face-recognition notebook: verdicts, distance histograms and the ROC.

Numbers first, then drawings (matplotlib is imported only when something is drawn)::

    from shared_utils import faces_plots
    fpr, tpr, thresholds = faces_plots.roc_curve(distances, same)
    faces_plots.roc_auc(distances, same)
    faces_plots.plot_distances(distances, same, threshold)
    faces_plots.plot_roc(distances, same, threshold)
    faces_plots.show_verdicts(images, truths, answers, distances)

``distances`` are L2 distances between the encodings of two pictures and ``same`` says, for each
pair, whether both pictures show one person; a pair is called "same" when its distance is below the
threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

SAME_COLOUR = "#2E86AB"
DIFFERENT_COLOUR = "#E4572E"
RIGHT_COLOUR = "#1B7F3B"
WRONG_COLOUR = "#C0392B"


def _pairs(distances: Any, same: Any) -> tuple[np.ndarray, np.ndarray]:
    distances, same = np.asarray(distances, dtype=np.float64).reshape(-1), np.asarray(same, dtype=bool).reshape(-1)
    if distances.shape != same.shape:
        raise ValueError(f"Got {distances.size} distances but {same.size} labels.")
    if same.all() or not same.any():
        raise ValueError("The pairs must include pictures of one person and pictures of two people.")
    return distances, same


def roc_curve(distances: Any, same: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ROC curve of the rule "same person when the distance is below t", for every t.

    Returns:
    fpr -- false accept rates: the share of pairs of two people whose distance is below t
    tpr -- true accept rates: the share of pairs of one person whose distance is below t
    thresholds -- the t of each point, growing from 0 (nobody accepted) to beyond the largest distance
    """
    distances, same = _pairs(distances, same)
    order = np.argsort(distances, kind="stable")
    d, s = distances[order], same[order]
    last = np.r_[np.flatnonzero(np.diff(d)), len(d) - 1]  # the last pair of each distinct distance
    tpr = np.r_[0.0, np.cumsum(s)[last] / s.sum()]
    fpr = np.r_[0.0, np.cumsum(~s)[last] / (~s).sum()]
    thresholds = np.r_[0.0, np.r_[(d[last[:-1]] + d[last[:-1] + 1]) / 2, d[-1] + 1e-6]]
    return fpr, tpr, thresholds


def roc_auc(distances: Any, same: Any) -> float:
    """Area under the ROC curve: the chance that a random pair of one person is closer than a random
    pair of two people (ties count half)."""
    fpr, tpr, _ = roc_curve(distances, same)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def rates(distances: Any, same: Any, threshold: float) -> dict[str, float]:
    """Accuracy, true accept rate and false accept rate of the rule ``distance < threshold``."""
    distances, same = _pairs(distances, same)
    accepted = distances < threshold
    return {
        "accuracy": float(np.mean(accepted == same)),
        "true_accept_rate": float(np.mean(accepted[same])),
        "false_accept_rate": float(np.mean(accepted[~same])),
    }


def plot_distances(distances: Any, same: Any, threshold: float, ax=None, bins: int = 60):
    """Histograms of the distances of pairs of one person and of pairs of two people, and the threshold."""
    import matplotlib.pyplot as plt

    distances, same = _pairs(distances, same)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    edges = np.linspace(0.0, max(2.0, float(distances.max())), bins + 1)
    ax.hist(distances[same], bins=edges, alpha=0.6, color=SAME_COLOUR, label=f"one person ({same.sum()} pairs)")
    ax.hist(
        distances[~same], bins=edges, alpha=0.6, color=DIFFERENT_COLOUR, label=f"two people ({(~same).sum()} pairs)"
    )
    ax.axvline(threshold, color="black", ls="--", lw=1.2, label=f"threshold {threshold:.3f}")
    ax.set_xlabel("L2 distance between the two encodings")
    ax.set_ylabel("pairs")
    ax.legend(fontsize=8)
    return ax


def plot_roc(distances: Any, same: Any, threshold: float, ax=None, zoom: bool = True):
    """The ROC curve, its area, and the point of the rule ``distance < threshold``; with ``zoom``, an
    inset enlarges the top-left corner (false accept rate up to 0.2, true accept rate from 0.8)."""
    import matplotlib.pyplot as plt

    fpr, tpr, _ = roc_curve(distances, same)
    point = rates(distances, same, threshold)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 4.2))
    ax.plot(fpr, tpr, color=SAME_COLOUR, lw=1.8, label=f"ROC, area {roc_auc(distances, same):.3f}")
    ax.plot([0, 1], [0, 1], color="#999999", lw=0.8, ls=":", label="guessing")
    ax.plot(
        point["false_accept_rate"], point["true_accept_rate"], "o", color="black", label=f"threshold {threshold:.3f}"
    )
    ax.set_xlabel("false accept rate (two people accepted)")
    ax.set_ylabel("true accept rate (one person accepted)")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.legend(fontsize=8, loc="lower right")
    if zoom:
        inset = ax.inset_axes([0.32, 0.3, 0.6, 0.42])
        inset.plot(fpr, tpr, color=SAME_COLOUR, lw=1.5)
        inset.plot(point["false_accept_rate"], point["true_accept_rate"], "o", color="black")
        inset.set_xlim(0, 0.2)
        inset.set_ylim(0.8, 1.0)
        inset.tick_params(labelsize=7)
        inset.set_title("the top-left corner", fontsize=7)
    return ax


def show_verdicts(
    images: Sequence[Any] | np.ndarray,
    truths: Sequence[str],
    answers: Sequence[str],
    distances: Sequence[float],
    ncols: int = 8,
    cell: float = 1.5,
):
    """A grid of pictures, each titled "who it is -> the answer (distance)", green when right, red when wrong."""
    import matplotlib.pyplot as plt

    count = len(images)
    if not (count == len(truths) == len(answers) == len(distances)):
        raise ValueError("images, truths, answers and distances must have the same length.")
    nrows = max(1, -(-count // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * cell, nrows * (cell + 0.35)), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        ax.imshow(np.asarray(images[index]))
        right = truths[index] == answers[index]
        ax.set_title(
            f"{truths[index]} -> {answers[index]}\n{distances[index]:.2f}",
            fontsize=8,
            color=RIGHT_COLOUR if right else WRONG_COLOUR,
        )
    fig.tight_layout()
    return fig


__all__ = ["plot_distances", "plot_roc", "rates", "roc_auc", "roc_curve", "show_verdicts"]
