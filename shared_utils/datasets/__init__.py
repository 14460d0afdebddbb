"""The course's datasets, as the notebooks load them.

The images are drawn by the course's own recipes (``python -m course_tools data``) and stored
under ``data/``; this package only reads them::

    from shared_utils.datasets import load_happy
    data = load_happy()
    data.x_train.shape   # (600, 64, 64, 3), uint8
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import paths
from .h5io import read_split


class ImageDataset(NamedTuple):
    """Images ``(m, 64, 64, 3)`` uint8, labels ``(m,)`` int64 and the class names."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: list[str]


def load_h5_dataset(name: str) -> ImageDataset:
    """Read ``data/<name>/{train,test}_<name>.h5``, checked against the manifest."""
    splits = {}
    for split in ("train", "test"):
        relative = f"{name}/{split}_{name}.h5"
        splits[split] = read_split(paths.asset(relative), split, relative)
    x_train, y_train, classes = splits["train"]
    x_test, y_test, _ = splits["test"]
    return ImageDataset(x_train, y_train, x_test, y_test, classes)


def load_happy() -> ImageDataset:
    """Faces that smile (1) or not (0): 600 training and 150 test images."""
    return load_h5_dataset("happy")


def load_signs() -> ImageDataset:
    """Hands showing 0 to 5 fingers (label = the number): 1080 training and 120 test images."""
    return load_h5_dataset("signs")


__all__ = ["ImageDataset", "load_h5_dataset", "load_happy", "load_signs"]
