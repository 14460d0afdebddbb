"""How good is a detector? Average precision per class and its mean, mAP@0.5, as in Pascal VOC.

For one class, every detection of every picture is sorted by score, best first.  Going down that
list, a detection is a *true positive* when it covers a true box of its class that no better
detection took already, with an intersection over union (IoU) of at least 0.5; otherwise it is a
*false positive* (a second detection of the same object is one too).  After each detection we
know the precision (the share of detections so far that were right) and the recall (the share of
true boxes found so far).  The average precision (AP) is the area under that precision-recall
curve, with the precision at each recall replaced by the best precision at that recall or beyond
(VOC's "all-point interpolation").  mAP is the mean of the classes' APs.

Boxes are corners ``(y_min, x_min, y_max, x_max)`` in pixels, like the output of ``yolo_eval``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class ClassResult:
    """A class's average precision and the precision-recall curve it is the area of."""

    name: str
    ap: float  # nan when the pictures hold no true box of this class
    precision: np.ndarray  # after each detection, best score first
    recall: np.ndarray
    scores: np.ndarray  # the detections' scores, best first
    n_true: int  # true boxes counted (those not ignored)
    n_detections: int  # detections counted (those not ignored)


@dataclass
class DetectionResult:
    """The per-class results; ``mAP`` is the mean AP over the classes that have true boxes."""

    classes: dict[str, ClassResult]
    iou_threshold: float
    min_height: float

    @property
    def mAP(self) -> float:  # noqa: N802 - the usual name
        aps = [result.ap for result in self.classes.values() if result.n_true > 0]
        return float(np.mean(aps)) if aps else float("nan")

    def ap(self) -> dict[str, float]:
        """``{class name: AP}``."""
        return {name: result.ap for name, result in self.classes.items()}

    def table(self) -> str:
        """A small text table: class, true boxes, detections, AP, then the mean."""
        lines = [f"{'class':<16}{'true boxes':>11}{'detections':>12}{'AP':>8}"]
        for name, r in self.classes.items():
            lines.append(f"{name:<16}{r.n_true:>11}{r.n_detections:>12}{r.ap:>8.3f}")
        lines.append(f"{'mAP@' + format(self.iou_threshold, 'g'):<39}{self.mAP:>8.3f}")
        return "\n".join(lines)


def average_precision(recall: np.ndarray, precision: np.ndarray) -> float:
    """Area under a precision-recall curve with VOC's all-point interpolation.

    The curve is made monotone first (precision at recall r = best precision at any recall >= r),
    so that a lucky detection late in the list does not make the area jagged.
    """
    r = np.concatenate([[0.0], np.asarray(recall, dtype=np.float64), [1.0]])
    p = np.concatenate([[0.0], np.asarray(precision, dtype=np.float64), [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]
    steps = np.flatnonzero(r[1:] != r[:-1])
    return float(np.sum((r[steps + 1] - r[steps]) * p[steps + 1]))


def _box_overlaps(boxes: np.ndarray, truths: np.ndarray) -> np.ndarray:
    """IoU of every detection (rows) with every true box (columns), all at once."""
    y0 = np.maximum(boxes[:, None, 0], truths[None, :, 0])
    x0 = np.maximum(boxes[:, None, 1], truths[None, :, 1])
    y1 = np.minimum(boxes[:, None, 2], truths[None, :, 2])
    x1 = np.minimum(boxes[:, None, 3], truths[None, :, 3])
    inter = np.clip(y1 - y0, 0, None) * np.clip(x1 - x0, 0, None)
    area_b = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    area_t = (truths[:, 2] - truths[:, 0]) * (truths[:, 3] - truths[:, 1])
    union = area_b[:, None] + area_t[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def _judge(boxes, truths, ignored, iou_threshold, min_height) -> np.ndarray:
    """For detections sorted best first: 1 true positive, 0 false positive, -1 ignored."""
    verdict = np.zeros(len(boxes), dtype=np.int8)
    overlaps = _box_overlaps(boxes, truths) if len(truths) else np.zeros((len(boxes), 0))
    taken = np.zeros(len(truths), dtype=bool)
    for i in range(len(boxes)):
        best = int(np.argmax(overlaps[i])) if len(truths) else -1
        if best >= 0 and overlaps[i, best] >= iou_threshold:
            if ignored[best]:
                verdict[i] = -1  # it found an object too small to count: neither right nor wrong
            elif not taken[best]:
                taken[best], verdict[i] = True, 1
        elif min_height and boxes[i, 2] - boxes[i, 0] < min_height:
            verdict[i] = -1  # a small detection of nothing: outside the sizes being measured
    return verdict


def evaluate(
    predictions: Sequence,
    truths: Sequence,
    class_names: Sequence[str],
    iou_threshold: float = 0.5,
    min_height: float = 0.0,
) -> DetectionResult:
    """Average precision per class, and mAP, over a set of pictures.

    Arguments:
    predictions -- for each picture, ``(scores, boxes, classes)`` as ``yolo_eval`` returns them:
                   (n,) scores, (n, 4) corners (y_min, x_min, y_max, x_max) in pixels, (n,) class indices
    truths -- for each picture, ``(boxes, classes)``: (k, 4) true corners in pixels, (k,) class indices
    class_names -- the names of the classes, by index
    iou_threshold -- the IoU from which a detection counts as finding a true box
    min_height -- measure only objects at least this many pixels tall: smaller true boxes are
                  ignored (finding them is neither right nor wrong), and so are smaller
                  detections that find nothing

    Returns:
    a DetectionResult: ``.mAP``, ``.classes[name].ap``, ``.classes[name].precision`` / ``.recall``
    """
    if len(predictions) != len(truths):
        raise ValueError(f"{len(predictions)} pictures of predictions but {len(truths)} of true boxes")
    per_class = {k: ([], []) for k in range(len(class_names))}  # scores, verdicts
    n_true = np.zeros(len(class_names), dtype=int)
    for (scores, boxes, classes), (true_boxes, true_classes) in zip(predictions, truths):
        scores = np.asarray(scores, dtype=np.float64).reshape(-1)
        boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        classes = np.asarray(classes).reshape(-1).astype(int)
        true_boxes = np.asarray(true_boxes, dtype=np.float64).reshape(-1, 4)
        true_classes = np.asarray(true_classes).reshape(-1).astype(int)
        small = (true_boxes[:, 2] - true_boxes[:, 0]) < min_height
        for k in range(len(class_names)):
            mine = np.flatnonzero(classes == k)
            mine = mine[np.argsort(-scores[mine], kind="stable")]
            gt = true_classes == k
            n_true[k] += int(np.sum(gt & ~small))
            verdict = _judge(boxes[mine], true_boxes[gt], small[gt], iou_threshold, min_height)
            per_class[k][0].append(scores[mine])
            per_class[k][1].append(verdict)
    results = {}
    for k, name in enumerate(class_names):
        scores = np.concatenate(per_class[k][0]) if per_class[k][0] else np.zeros(0)
        verdict = np.concatenate(per_class[k][1]) if per_class[k][1] else np.zeros(0, np.int8)
        order = np.argsort(-scores, kind="stable")
        scores, verdict = scores[order], verdict[order]
        counted = verdict >= 0
        scores, hits = scores[counted], verdict[counted] == 1
        tp, fp = np.cumsum(hits), np.cumsum(~hits)
        precision = tp / np.maximum(tp + fp, 1)
        recall = tp / n_true[k] if n_true[k] else np.zeros(len(tp))
        ap = average_precision(recall, precision) if n_true[k] else float("nan")
        results[name] = ClassResult(name, ap, precision, recall, scores, int(n_true[k]), int(len(scores)))
    return DetectionResult(results, iou_threshold, min_height)


def plot_precision_recall(result: DetectionResult, ax=None):
    """Draw each class's precision-recall curve, labelled with its AP; returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4))
    for name, r in result.classes.items():
        if r.n_true:
            ax.step(
                np.concatenate([[0], r.recall]),
                np.concatenate([[1], r.precision]),
                where="post",
                label=f"{name} (AP {r.ap:.2f})",
            )
    ax.set(
        xlabel="recall",
        ylabel="precision",
        xlim=(0, 1),
        ylim=(0, 1.02),
        title=f"mAP@{result.iou_threshold:g} = {result.mAP:.3f}",
    )
    ax.legend(loc="lower left", fontsize="small")
    return ax


__all__ = ["ClassResult", "DetectionResult", "average_precision", "evaluate", "plot_precision_recall"]
