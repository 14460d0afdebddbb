"""Scores of a segmentation: pixel accuracy and intersection over union (IoU), per class and mean.

All of them come from one table, the **confusion matrix** ``C``: ``C[i, j]`` counts the pixels of
true class ``i`` that the model labelled ``j``. Its diagonal holds the pixels labelled right. For a
class ``c``:

* the intersection of the true and predicted regions is ``C[c, c]``;
* their union is every pixel that is ``c`` in the truth (row ``c``) or in the prediction
  (column ``c``), counted once: ``C[c, :].sum() + C[:, c].sum() - C[c, c]``;
* ``IoU_c`` is their ratio, from 0 (no overlap) to 1 (the regions are the same).

Sum the matrices of many images before computing the ratios: the scores then describe the whole
set (a class seen in few pictures weighs by its pixels, not by its pictures). A class that appears
neither in the truth nor in the predictions has no IoU (NaN) and is left out of the mean, as Keras'
``MeanIoU`` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def confusion_matrix(y_true: Any, y_pred: Any, n_classes: int) -> np.ndarray:
    """Count the pixels of every (true class, predicted class) pair.

    Arguments:
    y_true -- integer class indices of any shape, e.g. (m, H, W) or (m, H, W, 1) masks
    y_pred -- integer class indices with the same number of elements (e.g. argmax of the logits)
    n_classes -- number of classes; indices must lie in 0 .. n_classes - 1

    Returns:
    confusion -- int64 array of shape (n_classes, n_classes); row = true class, column = predicted

    Raises:
        ValueError: the two label arrays differ in size, or an index lies outside 0 .. n_classes - 1.
    """
    truth = np.asarray(y_true).astype(np.int64).ravel()
    guess = np.asarray(y_pred).astype(np.int64).ravel()
    if truth.size != guess.size:
        raise ValueError(f"y_true has {truth.size} labels but y_pred has {guess.size}.")
    for name, labels in (("y_true", truth), ("y_pred", guess)):
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(f"{name} holds classes outside 0..{n_classes - 1}: {labels.min()}..{labels.max()}.")
    counts = np.bincount(truth * n_classes + guess, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes)


def pixel_accuracy(confusion: Any) -> float:
    """The share of all pixels labelled right: the diagonal's sum over the total."""
    table = np.asarray(confusion, dtype=np.float64)
    total = table.sum()
    return float(np.trace(table) / total) if total else float("nan")


def class_iou(confusion: Any) -> np.ndarray:
    """IoU of every class: ``C[c, c] / (C[c, :].sum() + C[:, c].sum() - C[c, c])``.

    Arguments:
    confusion -- (n_classes, n_classes) array from ``confusion_matrix`` (or a sum of them)

    Returns:
    iou -- float64 array of shape (n_classes,); NaN for a class absent from both truth and prediction
    """
    table = np.asarray(confusion, dtype=np.float64)
    intersection = np.diag(table)
    union = table.sum(axis=0) + table.sum(axis=1) - intersection
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, intersection / np.where(union > 0, union, 1.0), np.nan)


def mean_iou(confusion: Any) -> float:
    """The mean of ``class_iou`` over the classes that have one (NaN left out)."""
    iou = class_iou(confusion)
    return float(np.nanmean(iou)) if np.any(~np.isnan(iou)) else float("nan")


def class_frequencies(masks: Any, n_classes: int) -> np.ndarray:
    """The share of pixels of each class in ``masks`` (integer class indices, any shape); sums to 1."""
    labels = np.asarray(masks).astype(np.int64).ravel()
    counts = np.bincount(labels, minlength=n_classes)[:n_classes].astype(np.float64)
    return counts / max(counts.sum(), 1.0)


__all__ = ["class_frequencies", "class_iou", "confusion_matrix", "mean_iou", "pixel_accuracy"]
